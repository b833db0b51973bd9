-- audit_event_append_only: log.audit_event is a record of who did what. Nobody changes or removes
-- a row of it: a trigger refuses UPDATE, DELETE and TRUNCATE for every role, the table's owner (the
-- role the API connects as) included, and PUBLIC keeps no privilege on it; a separate application
-- role is granted INSERT and SELECT only. The role column of auth.user and the actor kinds are
-- checked here too.
CREATE FUNCTION log.audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'log.audit_event is append-only: % is refused (rows are never changed or removed)', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_event_no_update BEFORE UPDATE OR DELETE ON log.audit_event
  FOR EACH ROW EXECUTE FUNCTION log.audit_event_append_only();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON log.audit_event
  FOR EACH STATEMENT EXECUTE FUNCTION log.audit_event_append_only();
REVOKE ALL ON log.audit_event FROM PUBLIC;
ALTER TABLE log.audit_event ADD CONSTRAINT audit_event_actor_type_check
  CHECK (actor_type IN ('user', 'key', 'cli', 'anonymous', 'system')) NOT VALID;
ALTER TABLE log.audit_event VALIDATE CONSTRAINT audit_event_actor_type_check;
ALTER TABLE auth."user" ADD CONSTRAINT user_role_check CHECK (role IN ('viewer', 'staff', 'admin')) NOT VALID;
ALTER TABLE auth."user" VALIDATE CONSTRAINT user_role_check;
