-- log/sequences.sql of schema_head.sql, written by `pnpm db:snapshot`; do not edit. For review only: new
-- databases are built from the single file (pnpm db:init-from-snapshot).

--
-- Name: alert_incident_id_seq; Type: SEQUENCE; Schema: log; Owner: -
--

CREATE SEQUENCE log.alert_incident_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: alert_incident_id_seq; Type: SEQUENCE OWNED BY; Schema: log; Owner: -
--

ALTER SEQUENCE log.alert_incident_id_seq OWNED BY log.alert_incident.id;

--
-- Name: audit_event_id_seq; Type: SEQUENCE; Schema: log; Owner: -
--

CREATE SEQUENCE log.audit_event_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: audit_event_id_seq; Type: SEQUENCE OWNED BY; Schema: log; Owner: -
--

ALTER SEQUENCE log.audit_event_id_seq OWNED BY log.audit_event.id;

--
-- Name: migration_rebuild_id_seq; Type: SEQUENCE; Schema: log; Owner: -
--

CREATE SEQUENCE log.migration_rebuild_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: migration_rebuild_id_seq; Type: SEQUENCE OWNED BY; Schema: log; Owner: -
--

ALTER SEQUENCE log.migration_rebuild_id_seq OWNED BY log.migration_rebuild.id;

--
-- Name: migration_swap_id_seq; Type: SEQUENCE; Schema: log; Owner: -
--

CREATE SEQUENCE log.migration_swap_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: migration_swap_id_seq; Type: SEQUENCE OWNED BY; Schema: log; Owner: -
--

ALTER SEQUENCE log.migration_swap_id_seq OWNED BY log.migration_swap.id;

--
-- Name: mv_refresh_log_id_seq; Type: SEQUENCE; Schema: log; Owner: -
--

CREATE SEQUENCE log.mv_refresh_log_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: mv_refresh_log_id_seq; Type: SEQUENCE OWNED BY; Schema: log; Owner: -
--

ALTER SEQUENCE log.mv_refresh_log_id_seq OWNED BY log.mv_refresh_log.id;

--
-- Name: upload_file_id_seq; Type: SEQUENCE; Schema: log; Owner: -
--

CREATE SEQUENCE log.upload_file_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: upload_file_id_seq; Type: SEQUENCE OWNED BY; Schema: log; Owner: -
--

ALTER SEQUENCE log.upload_file_id_seq OWNED BY log.upload_file.id;

