-- log/indexes.sql of schema_head.sql, written by `pnpm db:snapshot`; do not edit. For review only: new
-- databases are built from the single file (pnpm db:init-from-snapshot).

--
-- Name: alert_incident_key_opened_at_idx; Type: INDEX; Schema: log; Owner: -
--

CREATE INDEX alert_incident_key_opened_at_idx ON log.alert_incident USING btree (key, opened_at DESC);

--
-- Name: audit_event_action_at_idx; Type: INDEX; Schema: log; Owner: -
--

CREATE INDEX audit_event_action_at_idx ON log.audit_event USING btree (action, at);

--
-- Name: audit_event_actor_name_at_idx; Type: INDEX; Schema: log; Owner: -
--

CREATE INDEX audit_event_actor_name_at_idx ON log.audit_event USING btree (actor_name, at);

--
-- Name: audit_event_at_idx; Type: INDEX; Schema: log; Owner: -
--

CREATE INDEX audit_event_at_idx ON log.audit_event USING btree (at);

--
-- Name: audit_event_object_type_object_id_id_idx; Type: INDEX; Schema: log; Owner: -
--

CREATE INDEX audit_event_object_type_object_id_id_idx ON log.audit_event USING btree (object_type, object_id, id);

--
-- Name: migration_rebuild_relation_rebuilt_at_idx; Type: INDEX; Schema: log; Owner: -
--

CREATE INDEX migration_rebuild_relation_rebuilt_at_idx ON log.migration_rebuild USING btree (relation, rebuilt_at DESC);

--
-- Name: migration_swap_swap_id_step_key; Type: INDEX; Schema: log; Owner: -
--

CREATE UNIQUE INDEX migration_swap_swap_id_step_key ON log.migration_swap USING btree (swap_id, step);

--
-- Name: mv_refresh_log_mv_name_started_at_idx; Type: INDEX; Schema: log; Owner: -
--

CREATE INDEX mv_refresh_log_mv_name_started_at_idx ON log.mv_refresh_log USING btree (mv_name, started_at DESC);

--
-- Name: upload_file_created_at_idx; Type: INDEX; Schema: log; Owner: -
--

CREATE INDEX upload_file_created_at_idx ON log.upload_file USING btree (created_at);

--
-- Name: upload_file_csv_type_flavour_file_sha256_idx; Type: INDEX; Schema: log; Owner: -
--

CREATE INDEX upload_file_csv_type_flavour_file_sha256_idx ON log.upload_file USING btree (csv_type, flavour, file_sha256);

--
-- Name: upload_file_csv_type_flavour_id_idx; Type: INDEX; Schema: log; Owner: -
--

CREATE INDEX upload_file_csv_type_flavour_id_idx ON log.upload_file USING btree (csv_type, flavour, id);

--
-- Name: upload_file_date_to_date_from_idx; Type: INDEX; Schema: log; Owner: -
--

CREATE INDEX upload_file_date_to_date_from_idx ON log.upload_file USING btree (date_to, date_from);

--
-- Name: upload_file_status_id_idx; Type: INDEX; Schema: log; Owner: -
--

CREATE INDEX upload_file_status_id_idx ON log.upload_file USING btree (status, id);

--
-- Name: upload_file_uploaded_by_id_idx; Type: INDEX; Schema: log; Owner: -
--

CREATE INDEX upload_file_uploaded_by_id_idx ON log.upload_file USING btree (uploaded_by, id);

--
-- Name: upload_touched_date_slip_date_idx; Type: INDEX; Schema: log; Owner: -
--

CREATE INDEX upload_touched_date_slip_date_idx ON log.upload_touched_date USING btree (slip_date);

