-- ref/indexes.sql of schema_head.sql, written by `pnpm db:snapshot`; do not edit. For review only: new
-- databases are built from the single file (pnpm db:init-from-snapshot).

--
-- Name: calendar_iso_year_iso_week_idx; Type: INDEX; Schema: ref; Owner: -
--

CREATE INDEX calendar_iso_year_iso_week_idx ON ref.calendar USING btree (iso_year, iso_week);

