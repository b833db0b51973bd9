ALTER TABLE auth."user" DROP CONSTRAINT user_role_check;
ALTER TABLE log.audit_event DROP CONSTRAINT audit_event_actor_type_check;
DROP TRIGGER audit_event_no_truncate ON log.audit_event;
DROP TRIGGER audit_event_no_update ON log.audit_event;
DROP FUNCTION log.audit_event_append_only();
