-- raw/constraints.sql of schema_head.sql, written by `pnpm db:snapshot`; do not edit. For review only: new
-- databases are built from the single file (pnpm db:init-from-snapshot).

--
-- Name: shogun_receive shogun_receive_pkey; Type: CONSTRAINT; Schema: raw; Owner: -
--

ALTER TABLE ONLY raw.shogun_receive
    ADD CONSTRAINT shogun_receive_pkey PRIMARY KEY (upload_file_id, source_line);

--
-- Name: shogun_shipment shogun_shipment_pkey; Type: CONSTRAINT; Schema: raw; Owner: -
--

ALTER TABLE ONLY raw.shogun_shipment
    ADD CONSTRAINT shogun_shipment_pkey PRIMARY KEY (upload_file_id, source_line);

--
-- Name: shogun_yard shogun_yard_pkey; Type: CONSTRAINT; Schema: raw; Owner: -
--

ALTER TABLE ONLY raw.shogun_yard
    ADD CONSTRAINT shogun_yard_pkey PRIMARY KEY (upload_file_id, source_line);

