-- mart/indexes.sql of schema_head.sql, written by `pnpm db:snapshot`; do not edit. For review only: new
-- databases are built from the single file (pnpm db:init-from-snapshot).

--
-- Name: ix_mv_receive_daily_iso_week; Type: INDEX; Schema: mart; Owner: -
--

CREATE INDEX ix_mv_receive_daily_iso_week ON mart.mv_receive_daily USING btree (iso_year, iso_week);

--
-- Name: ix_mv_target_card_per_day_iso_week; Type: INDEX; Schema: mart; Owner: -
--

CREATE INDEX ix_mv_target_card_per_day_iso_week ON mart.mv_target_card_per_day USING btree (iso_year, iso_week);

--
-- Name: ux_mv_inb5y_week_profile_min; Type: INDEX; Schema: mart; Owner: -
--

CREATE UNIQUE INDEX ux_mv_inb5y_week_profile_min ON mart.mv_inb5y_week_profile_min USING btree (iso_week);

--
-- Name: ux_mv_inb_avg5y_day_biz; Type: INDEX; Schema: mart; Owner: -
--

CREATE UNIQUE INDEX ux_mv_inb_avg5y_day_biz ON mart.mv_inb_avg5y_day_biz USING btree (iso_week, iso_dow);

--
-- Name: ux_mv_inb_avg5y_day_scope; Type: INDEX; Schema: mart; Owner: -
--

CREATE UNIQUE INDEX ux_mv_inb_avg5y_day_scope ON mart.mv_inb_avg5y_day_scope USING btree (scope, iso_week, iso_dow);

--
-- Name: ux_mv_inb_avg5y_weeksum_biz; Type: INDEX; Schema: mart; Owner: -
--

CREATE UNIQUE INDEX ux_mv_inb_avg5y_weeksum_biz ON mart.mv_inb_avg5y_weeksum_biz USING btree (iso_week);

--
-- Name: ux_mv_receive_daily_ddate; Type: INDEX; Schema: mart; Owner: -
--

CREATE UNIQUE INDEX ux_mv_receive_daily_ddate ON mart.mv_receive_daily USING btree (ddate);

--
-- Name: ux_mv_shipment_daily_ddate_sales_rep; Type: INDEX; Schema: mart; Owner: -
--

CREATE UNIQUE INDEX ux_mv_shipment_daily_ddate_sales_rep ON mart.mv_shipment_daily USING btree (ddate, sales_rep);

--
-- Name: ux_mv_target_card_per_day_ddate; Type: INDEX; Schema: mart; Owner: -
--

CREATE UNIQUE INDEX ux_mv_target_card_per_day_ddate ON mart.mv_target_card_per_day USING btree (ddate);

