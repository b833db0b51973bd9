-- kpi/indexes.sql of schema_head.sql, written by `pnpm db:snapshot`; do not edit. For review only: new
-- databases are built from the single file (pnpm db:init-from-snapshot).

--
-- Name: target_edit_edited_at_idx; Type: INDEX; Schema: kpi; Owner: -
--

CREATE INDEX target_edit_edited_at_idx ON kpi.target_edit USING btree (edited_at);

