-- log/functions.sql of schema_head.sql, written by `pnpm db:snapshot`; do not edit. For review only: new
-- databases are built from the single file (pnpm db:init-from-snapshot).

--
-- Name: audit_event_append_only(); Type: FUNCTION; Schema: log; Owner: -
--

CREATE FUNCTION log.audit_event_append_only() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  RAISE EXCEPTION 'log.audit_event is append-only: % is refused (rows are never changed or removed)', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;

SET default_tablespace = '';

SET default_table_access_method = heap;

