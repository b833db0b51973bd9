-- mart/constraints.sql of schema_head.sql, written by `pnpm db:snapshot`; do not edit. For review only: new
-- databases are built from the single file (pnpm db:init-from-snapshot).

--
-- Name: daily_target_plan daily_target_plan_pkey; Type: CONSTRAINT; Schema: mart; Owner: -
--

ALTER TABLE ONLY mart.daily_target_plan
    ADD CONSTRAINT daily_target_plan_pkey PRIMARY KEY (ddate);

