-- stg/constraints.sql of schema_head.sql, written by `pnpm db:snapshot`; do not edit. For review only: new
-- databases are built from the single file (pnpm db:init-from-snapshot).

--
-- Name: shogun_final_receive_history shogun_final_receive_history_pkey; Type: CONSTRAINT; Schema: stg; Owner: -
--

ALTER TABLE ONLY stg.shogun_final_receive_history
    ADD CONSTRAINT shogun_final_receive_history_pkey PRIMARY KEY (superseded_by_upload_id, slip_date, slip_no, line_no);

--
-- Name: shogun_final_receive shogun_final_receive_pkey; Type: CONSTRAINT; Schema: stg; Owner: -
--

ALTER TABLE ONLY stg.shogun_final_receive
    ADD CONSTRAINT shogun_final_receive_pkey PRIMARY KEY (slip_date, slip_no, line_no);

--
-- Name: shogun_final_shipment_history shogun_final_shipment_history_pkey; Type: CONSTRAINT; Schema: stg; Owner: -
--

ALTER TABLE ONLY stg.shogun_final_shipment_history
    ADD CONSTRAINT shogun_final_shipment_history_pkey PRIMARY KEY (superseded_by_upload_id, slip_date, slip_no, line_no);

--
-- Name: shogun_final_shipment shogun_final_shipment_pkey; Type: CONSTRAINT; Schema: stg; Owner: -
--

ALTER TABLE ONLY stg.shogun_final_shipment
    ADD CONSTRAINT shogun_final_shipment_pkey PRIMARY KEY (slip_date, slip_no, line_no);

--
-- Name: shogun_final_yard_history shogun_final_yard_history_pkey; Type: CONSTRAINT; Schema: stg; Owner: -
--

ALTER TABLE ONLY stg.shogun_final_yard_history
    ADD CONSTRAINT shogun_final_yard_history_pkey PRIMARY KEY (superseded_by_upload_id, slip_date, slip_no, line_no);

--
-- Name: shogun_final_yard shogun_final_yard_pkey; Type: CONSTRAINT; Schema: stg; Owner: -
--

ALTER TABLE ONLY stg.shogun_final_yard
    ADD CONSTRAINT shogun_final_yard_pkey PRIMARY KEY (slip_date, slip_no, line_no);

--
-- Name: shogun_flash_receive_history shogun_flash_receive_history_pkey; Type: CONSTRAINT; Schema: stg; Owner: -
--

ALTER TABLE ONLY stg.shogun_flash_receive_history
    ADD CONSTRAINT shogun_flash_receive_history_pkey PRIMARY KEY (superseded_by_upload_id, slip_date, slip_no, line_no);

--
-- Name: shogun_flash_receive shogun_flash_receive_pkey; Type: CONSTRAINT; Schema: stg; Owner: -
--

ALTER TABLE ONLY stg.shogun_flash_receive
    ADD CONSTRAINT shogun_flash_receive_pkey PRIMARY KEY (slip_date, slip_no, line_no);

--
-- Name: shogun_flash_shipment_history shogun_flash_shipment_history_pkey; Type: CONSTRAINT; Schema: stg; Owner: -
--

ALTER TABLE ONLY stg.shogun_flash_shipment_history
    ADD CONSTRAINT shogun_flash_shipment_history_pkey PRIMARY KEY (superseded_by_upload_id, slip_date, slip_no, line_no);

--
-- Name: shogun_flash_shipment shogun_flash_shipment_pkey; Type: CONSTRAINT; Schema: stg; Owner: -
--

ALTER TABLE ONLY stg.shogun_flash_shipment
    ADD CONSTRAINT shogun_flash_shipment_pkey PRIMARY KEY (slip_date, slip_no, line_no);

--
-- Name: shogun_flash_yard_history shogun_flash_yard_history_pkey; Type: CONSTRAINT; Schema: stg; Owner: -
--

ALTER TABLE ONLY stg.shogun_flash_yard_history
    ADD CONSTRAINT shogun_flash_yard_history_pkey PRIMARY KEY (superseded_by_upload_id, slip_date, slip_no, line_no);

--
-- Name: shogun_flash_yard shogun_flash_yard_pkey; Type: CONSTRAINT; Schema: stg; Owner: -
--

ALTER TABLE ONLY stg.shogun_flash_yard
    ADD CONSTRAINT shogun_flash_yard_pkey PRIMARY KEY (slip_date, slip_no, line_no);

