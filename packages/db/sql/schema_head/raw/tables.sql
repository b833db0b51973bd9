-- raw/tables.sql of schema_head.sql, written by `pnpm db:snapshot`; do not edit. For review only: new
-- databases are built from the single file (pnpm db:init-from-snapshot).

--
-- Name: shogun_receive; Type: TABLE; Schema: raw; Owner: -
--

CREATE TABLE raw.shogun_receive (
    upload_file_id bigint NOT NULL,
    source_line integer NOT NULL,
    slip_date text,
    slip_no text,
    line_no text,
    vendor_cd text,
    vendor_name text,
    item_cd text,
    item_name text,
    net_weight_kg text,
    quantity text,
    unit_name text,
    unit_price text,
    amount text
);

--
-- Name: shogun_shipment; Type: TABLE; Schema: raw; Owner: -
--

CREATE TABLE raw.shogun_shipment (
    upload_file_id bigint NOT NULL,
    source_line integer NOT NULL,
    slip_date text,
    slip_no text,
    line_no text,
    vendor_cd text,
    vendor_name text,
    item_cd text,
    item_name text,
    net_weight_kg text,
    quantity text,
    unit_name text,
    unit_price text,
    amount text,
    sales_rep text
);

--
-- Name: shogun_yard; Type: TABLE; Schema: raw; Owner: -
--

CREATE TABLE raw.shogun_yard (
    upload_file_id bigint NOT NULL,
    source_line integer NOT NULL,
    slip_date text,
    slip_no text,
    line_no text,
    item_cd text,
    item_name text,
    net_weight_kg text,
    quantity text,
    unit_name text
);

