-- kpi/constraints.sql of schema_head.sql, written by `pnpm db:snapshot`; do not edit. For review only: new
-- databases are built from the single file (pnpm db:init-from-snapshot).

--
-- Name: monthly_targets monthly_targets_pkey; Type: CONSTRAINT; Schema: kpi; Owner: -
--

ALTER TABLE ONLY kpi.monthly_targets
    ADD CONSTRAINT monthly_targets_pkey PRIMARY KEY (month);

--
-- Name: target_edit target_edit_pkey; Type: CONSTRAINT; Schema: kpi; Owner: -
--

ALTER TABLE ONLY kpi.target_edit
    ADD CONSTRAINT target_edit_pkey PRIMARY KEY (id);

