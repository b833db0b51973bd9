-- mart/tables.sql of schema_head.sql, written by `pnpm db:snapshot`; do not edit. For review only: new
-- databases are built from the single file (pnpm db:init-from-snapshot).

--
-- Name: daily_target_plan; Type: TABLE; Schema: mart; Owner: -
--

CREATE TABLE mart.daily_target_plan (
    ddate date NOT NULL,
    target_ton numeric(12,3) NOT NULL
);

--
-- Name: mv_receive_daily; Type: TABLE; Schema: mart; Owner: -
--

CREATE TABLE mart.mv_receive_daily (
    ddate date,
    iso_year integer,
    iso_week integer,
    receive_net_ton numeric,
    slip_count bigint,
    amount_yen numeric
);

--
-- Name: mv_shipment_daily; Type: TABLE; Schema: mart; Owner: -
--

CREATE TABLE mart.mv_shipment_daily (
    ddate date,
    sales_rep text,
    shipment_net_ton numeric,
    slip_count bigint,
    amount_yen numeric
);

