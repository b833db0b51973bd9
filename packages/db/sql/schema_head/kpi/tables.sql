-- kpi/tables.sql of schema_head.sql, written by `pnpm db:snapshot`; do not edit. For review only: new
-- databases are built from the single file (pnpm db:init-from-snapshot).

--
-- Name: monthly_targets; Type: TABLE; Schema: kpi; Owner: -
--

CREATE TABLE kpi.monthly_targets (
    month date NOT NULL,
    target_ton numeric(12,3) NOT NULL
);

--
-- Name: target_edit; Type: TABLE; Schema: kpi; Owner: -
--

CREATE TABLE kpi.target_edit (
    id bigint NOT NULL,
    edited_at timestamp(6) with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    editor text NOT NULL,
    scope text NOT NULL,
    ddate date NOT NULL,
    old_ton numeric(12,3),
    new_ton numeric(12,3),
    source text NOT NULL,
    file_name text,
    CONSTRAINT target_edit_scope_check CHECK ((scope = ANY (ARRAY['month'::text, 'day'::text]))),
    CONSTRAINT target_edit_source_check CHECK ((source = ANY (ARRAY['form'::text, 'csv'::text, 'seed'::text])))
);

--
-- Name: target_edit id; Type: DEFAULT; Schema: kpi; Owner: -
--

ALTER TABLE ONLY kpi.target_edit ALTER COLUMN id SET DEFAULT nextval('kpi.target_edit_id_seq'::regclass);

