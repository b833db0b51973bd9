-- log/tables.sql of schema_head.sql, written by `pnpm db:snapshot`; do not edit. For review only: new
-- databases are built from the single file (pnpm db:init-from-snapshot).

--
-- Name: alert_incident; Type: TABLE; Schema: log; Owner: -
--

CREATE TABLE log.alert_incident (
    id bigint NOT NULL,
    key text NOT NULL,
    kind text NOT NULL,
    subject text NOT NULL,
    opened_at timestamp(6) with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    resolved_at timestamp(6) with time zone,
    detail jsonb NOT NULL
);

--
-- Name: audit_event; Type: TABLE; Schema: log; Owner: -
--

CREATE TABLE log.audit_event (
    id bigint NOT NULL,
    at timestamp(6) with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    actor_type text NOT NULL,
    actor_id text,
    actor_name text NOT NULL,
    action text NOT NULL,
    object_type text,
    object_id text,
    before jsonb,
    after jsonb,
    request_id text,
    ip text,
    user_agent text,
    CONSTRAINT audit_event_actor_type_check CHECK ((actor_type = ANY (ARRAY['user'::text, 'key'::text, 'cli'::text, 'anonymous'::text, 'system'::text])))
);

--
-- Name: migration_rebuild; Type: TABLE; Schema: log; Owner: -
--

CREATE TABLE log.migration_rebuild (
    id bigint NOT NULL,
    migration_name text NOT NULL,
    relation text NOT NULL,
    kind text NOT NULL,
    with_data boolean,
    rebuilt_at timestamp(6) with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL
);

--
-- Name: migration_swap; Type: TABLE; Schema: log; Owner: -
--

CREATE TABLE log.migration_swap (
    id bigint NOT NULL,
    swap_id text NOT NULL,
    migration_name text,
    step integer NOT NULL,
    action text NOT NULL,
    relation text NOT NULL,
    kind text NOT NULL,
    fill_sql text,
    filled_at timestamp(6) with time zone,
    filled_rows bigint,
    created_at timestamp(6) with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL
);

--
-- Name: mv_refresh_log; Type: TABLE; Schema: log; Owner: -
--

CREATE TABLE log.mv_refresh_log (
    id bigint NOT NULL,
    mv_name text NOT NULL,
    trigger text NOT NULL,
    run_id text NOT NULL,
    started_at timestamp(6) with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    finished_at timestamp(6) with time zone,
    mode text NOT NULL,
    mode_reason text,
    outcome text NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    error text,
    row_count bigint,
    duration_ms integer,
    key_count integer,
    strategy text
);

--
-- Name: upload_blob; Type: TABLE; Schema: log; Owner: -
--

CREATE TABLE log.upload_blob (
    upload_file_id bigint NOT NULL,
    chunk_no integer NOT NULL,
    data bytea NOT NULL
);
ALTER TABLE ONLY log.upload_blob ALTER COLUMN data SET STORAGE EXTERNAL;

--
-- Name: upload_error; Type: TABLE; Schema: log; Owner: -
--

CREATE TABLE log.upload_error (
    upload_file_id bigint NOT NULL,
    seq integer NOT NULL,
    line integer,
    column_name text,
    value text,
    reason text NOT NULL,
    row_text text,
    code text,
    params jsonb
);

--
-- Name: upload_file; Type: TABLE; Schema: log; Owner: -
--

CREATE TABLE log.upload_file (
    id bigint NOT NULL,
    csv_type text NOT NULL,
    flavour text NOT NULL,
    file_name text NOT NULL,
    file_sha256 text NOT NULL,
    file_size bigint NOT NULL,
    status text DEFAULT 'pending'::text NOT NULL,
    encoding text,
    row_count integer,
    date_from date,
    date_to date,
    errors jsonb,
    error_message text,
    created_at timestamp(6) with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    started_at timestamp(6) with time zone,
    finished_at timestamp(6) with time zone,
    refresh_outcome text,
    refresh_run_id bigint,
    confirmed_at timestamp(6) with time zone,
    dates_touched integer,
    held_reason text,
    period_from date,
    period_to date,
    reverted_at timestamp(6) with time zone,
    rows_added integer,
    rows_superseded integer,
    touched_first date,
    touched_last date,
    error_code text,
    error_params jsonb,
    uploaded_by text,
    uploaded_by_name text
);

--
-- Name: upload_touched_date; Type: TABLE; Schema: log; Owner: -
--

CREATE TABLE log.upload_touched_date (
    upload_file_id bigint NOT NULL,
    slip_date date NOT NULL
);

--
-- Name: alert_incident id; Type: DEFAULT; Schema: log; Owner: -
--

ALTER TABLE ONLY log.alert_incident ALTER COLUMN id SET DEFAULT nextval('log.alert_incident_id_seq'::regclass);

--
-- Name: audit_event id; Type: DEFAULT; Schema: log; Owner: -
--

ALTER TABLE ONLY log.audit_event ALTER COLUMN id SET DEFAULT nextval('log.audit_event_id_seq'::regclass);

--
-- Name: migration_rebuild id; Type: DEFAULT; Schema: log; Owner: -
--

ALTER TABLE ONLY log.migration_rebuild ALTER COLUMN id SET DEFAULT nextval('log.migration_rebuild_id_seq'::regclass);

--
-- Name: migration_swap id; Type: DEFAULT; Schema: log; Owner: -
--

ALTER TABLE ONLY log.migration_swap ALTER COLUMN id SET DEFAULT nextval('log.migration_swap_id_seq'::regclass);

--
-- Name: mv_refresh_log id; Type: DEFAULT; Schema: log; Owner: -
--

ALTER TABLE ONLY log.mv_refresh_log ALTER COLUMN id SET DEFAULT nextval('log.mv_refresh_log_id_seq'::regclass);

--
-- Name: upload_file id; Type: DEFAULT; Schema: log; Owner: -
--

ALTER TABLE ONLY log.upload_file ALTER COLUMN id SET DEFAULT nextval('log.upload_file_id_seq'::regclass);

