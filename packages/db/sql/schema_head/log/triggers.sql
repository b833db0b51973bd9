-- log/triggers.sql of schema_head.sql, written by `pnpm db:snapshot`; do not edit. For review only: new
-- databases are built from the single file (pnpm db:init-from-snapshot).

--
-- Name: audit_event audit_event_no_truncate; Type: TRIGGER; Schema: log; Owner: -
--

CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON log.audit_event FOR EACH STATEMENT EXECUTE FUNCTION log.audit_event_append_only();

--
-- Name: audit_event audit_event_no_update; Type: TRIGGER; Schema: log; Owner: -
--

CREATE TRIGGER audit_event_no_update BEFORE DELETE OR UPDATE ON log.audit_event FOR EACH ROW EXECUTE FUNCTION log.audit_event_append_only();

