-- kpi/sequences.sql of schema_head.sql, written by `pnpm db:snapshot`; do not edit. For review only: new
-- databases are built from the single file (pnpm db:init-from-snapshot).

--
-- Name: target_edit_id_seq; Type: SEQUENCE; Schema: kpi; Owner: -
--

CREATE SEQUENCE kpi.target_edit_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: target_edit_id_seq; Type: SEQUENCE OWNED BY; Schema: kpi; Owner: -
--

ALTER SEQUENCE kpi.target_edit_id_seq OWNED BY kpi.target_edit.id;

