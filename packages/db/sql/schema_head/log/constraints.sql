-- log/constraints.sql of schema_head.sql, written by `pnpm db:snapshot`; do not edit. For review only: new
-- databases are built from the single file (pnpm db:init-from-snapshot).

--
-- Name: alert_incident alert_incident_pkey; Type: CONSTRAINT; Schema: log; Owner: -
--

ALTER TABLE ONLY log.alert_incident
    ADD CONSTRAINT alert_incident_pkey PRIMARY KEY (id);

--
-- Name: audit_event audit_event_pkey; Type: CONSTRAINT; Schema: log; Owner: -
--

ALTER TABLE ONLY log.audit_event
    ADD CONSTRAINT audit_event_pkey PRIMARY KEY (id);

--
-- Name: migration_rebuild migration_rebuild_pkey; Type: CONSTRAINT; Schema: log; Owner: -
--

ALTER TABLE ONLY log.migration_rebuild
    ADD CONSTRAINT migration_rebuild_pkey PRIMARY KEY (id);

--
-- Name: migration_swap migration_swap_pkey; Type: CONSTRAINT; Schema: log; Owner: -
--

ALTER TABLE ONLY log.migration_swap
    ADD CONSTRAINT migration_swap_pkey PRIMARY KEY (id);

--
-- Name: mv_refresh_log mv_refresh_log_pkey; Type: CONSTRAINT; Schema: log; Owner: -
--

ALTER TABLE ONLY log.mv_refresh_log
    ADD CONSTRAINT mv_refresh_log_pkey PRIMARY KEY (id);

--
-- Name: upload_blob upload_blob_pkey; Type: CONSTRAINT; Schema: log; Owner: -
--

ALTER TABLE ONLY log.upload_blob
    ADD CONSTRAINT upload_blob_pkey PRIMARY KEY (upload_file_id, chunk_no);

--
-- Name: upload_error upload_error_pkey; Type: CONSTRAINT; Schema: log; Owner: -
--

ALTER TABLE ONLY log.upload_error
    ADD CONSTRAINT upload_error_pkey PRIMARY KEY (upload_file_id, seq);

--
-- Name: upload_file upload_file_pkey; Type: CONSTRAINT; Schema: log; Owner: -
--

ALTER TABLE ONLY log.upload_file
    ADD CONSTRAINT upload_file_pkey PRIMARY KEY (id);

--
-- Name: upload_touched_date upload_touched_date_pkey; Type: CONSTRAINT; Schema: log; Owner: -
--

ALTER TABLE ONLY log.upload_touched_date
    ADD CONSTRAINT upload_touched_date_pkey PRIMARY KEY (upload_file_id, slip_date);

--
-- Name: upload_blob upload_blob_upload_file_id_fkey; Type: FK CONSTRAINT; Schema: log; Owner: -
--

ALTER TABLE ONLY log.upload_blob
    ADD CONSTRAINT upload_blob_upload_file_id_fkey FOREIGN KEY (upload_file_id) REFERENCES log.upload_file(id) ON UPDATE CASCADE ON DELETE CASCADE;

--
-- Name: upload_error upload_error_upload_file_id_fkey; Type: FK CONSTRAINT; Schema: log; Owner: -
--

ALTER TABLE ONLY log.upload_error
    ADD CONSTRAINT upload_error_upload_file_id_fkey FOREIGN KEY (upload_file_id) REFERENCES log.upload_file(id) ON UPDATE CASCADE ON DELETE CASCADE;

--
-- Name: upload_touched_date upload_touched_date_upload_file_id_fkey; Type: FK CONSTRAINT; Schema: log; Owner: -
--

ALTER TABLE ONLY log.upload_touched_date
    ADD CONSTRAINT upload_touched_date_upload_file_id_fkey FOREIGN KEY (upload_file_id) REFERENCES log.upload_file(id) ON UPDATE CASCADE ON DELETE CASCADE;

