-- stg/tables.sql of schema_head.sql, written by `pnpm db:snapshot`; do not edit. For review only: new
-- databases are built from the single file (pnpm db:init-from-snapshot).

--
-- Name: shogun_final_receive; Type: TABLE; Schema: stg; Owner: -
--

CREATE TABLE stg.shogun_final_receive (
    slip_date date NOT NULL,
    slip_no text NOT NULL,
    line_no integer NOT NULL,
    vendor_cd text,
    vendor_name text,
    item_cd text,
    item_name text,
    net_weight_kg numeric(14,3),
    quantity numeric(14,3),
    unit_name text,
    unit_price numeric(14,2),
    amount numeric(16,2),
    upload_file_id bigint NOT NULL,
    source_line integer NOT NULL,
    created_at timestamp(6) with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL
);

--
-- Name: shogun_flash_receive; Type: TABLE; Schema: stg; Owner: -
--

CREATE TABLE stg.shogun_flash_receive (
    slip_date date NOT NULL,
    slip_no text NOT NULL,
    line_no integer NOT NULL,
    vendor_cd text,
    vendor_name text,
    item_cd text,
    item_name text,
    net_weight_kg numeric(14,3),
    quantity numeric(14,3),
    unit_name text,
    unit_price numeric(14,2),
    amount numeric(16,2),
    upload_file_id bigint NOT NULL,
    source_line integer NOT NULL,
    created_at timestamp(6) with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL
);

--
-- Name: shogun_final_shipment; Type: TABLE; Schema: stg; Owner: -
--

CREATE TABLE stg.shogun_final_shipment (
    slip_date date NOT NULL,
    slip_no text NOT NULL,
    line_no integer NOT NULL,
    vendor_cd text,
    vendor_name text,
    item_cd text,
    item_name text,
    net_weight_kg numeric(14,3),
    quantity numeric(14,3),
    unit_name text,
    unit_price numeric(14,2),
    amount numeric(16,2),
    sales_rep text,
    upload_file_id bigint NOT NULL,
    source_line integer NOT NULL,
    created_at timestamp(6) with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL
);

--
-- Name: shogun_flash_shipment; Type: TABLE; Schema: stg; Owner: -
--

CREATE TABLE stg.shogun_flash_shipment (
    slip_date date NOT NULL,
    slip_no text NOT NULL,
    line_no integer NOT NULL,
    vendor_cd text,
    vendor_name text,
    item_cd text,
    item_name text,
    net_weight_kg numeric(14,3),
    quantity numeric(14,3),
    unit_name text,
    unit_price numeric(14,2),
    amount numeric(16,2),
    sales_rep text,
    upload_file_id bigint NOT NULL,
    source_line integer NOT NULL,
    created_at timestamp(6) with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL
);

--
-- Name: shogun_final_receive_history; Type: TABLE; Schema: stg; Owner: -
--

CREATE TABLE stg.shogun_final_receive_history (
    slip_date date NOT NULL,
    slip_no text NOT NULL,
    line_no integer NOT NULL,
    vendor_cd text,
    vendor_name text,
    item_cd text,
    item_name text,
    net_weight_kg numeric(14,3),
    quantity numeric(14,3),
    unit_name text,
    unit_price numeric(14,2),
    amount numeric(16,2),
    upload_file_id bigint NOT NULL,
    source_line integer NOT NULL,
    created_at timestamp(6) with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    superseded_by_upload_id bigint NOT NULL,
    superseded_at timestamp(6) with time zone NOT NULL
);

--
-- Name: shogun_final_shipment_history; Type: TABLE; Schema: stg; Owner: -
--

CREATE TABLE stg.shogun_final_shipment_history (
    slip_date date NOT NULL,
    slip_no text NOT NULL,
    line_no integer NOT NULL,
    vendor_cd text,
    vendor_name text,
    item_cd text,
    item_name text,
    net_weight_kg numeric(14,3),
    quantity numeric(14,3),
    unit_name text,
    unit_price numeric(14,2),
    amount numeric(16,2),
    sales_rep text,
    upload_file_id bigint NOT NULL,
    source_line integer NOT NULL,
    created_at timestamp(6) with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    superseded_by_upload_id bigint NOT NULL,
    superseded_at timestamp(6) with time zone NOT NULL
);

--
-- Name: shogun_final_yard; Type: TABLE; Schema: stg; Owner: -
--

CREATE TABLE stg.shogun_final_yard (
    slip_date date NOT NULL,
    slip_no text NOT NULL,
    line_no integer NOT NULL,
    item_cd text,
    item_name text,
    net_weight_kg numeric(14,3),
    quantity numeric(14,3),
    unit_name text,
    upload_file_id bigint NOT NULL,
    source_line integer NOT NULL,
    created_at timestamp(6) with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL
);

--
-- Name: shogun_final_yard_history; Type: TABLE; Schema: stg; Owner: -
--

CREATE TABLE stg.shogun_final_yard_history (
    slip_date date NOT NULL,
    slip_no text NOT NULL,
    line_no integer NOT NULL,
    item_cd text,
    item_name text,
    net_weight_kg numeric(14,3),
    quantity numeric(14,3),
    unit_name text,
    upload_file_id bigint NOT NULL,
    source_line integer NOT NULL,
    created_at timestamp(6) with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    superseded_by_upload_id bigint NOT NULL,
    superseded_at timestamp(6) with time zone NOT NULL
);

--
-- Name: shogun_flash_receive_history; Type: TABLE; Schema: stg; Owner: -
--

CREATE TABLE stg.shogun_flash_receive_history (
    slip_date date NOT NULL,
    slip_no text NOT NULL,
    line_no integer NOT NULL,
    vendor_cd text,
    vendor_name text,
    item_cd text,
    item_name text,
    net_weight_kg numeric(14,3),
    quantity numeric(14,3),
    unit_name text,
    unit_price numeric(14,2),
    amount numeric(16,2),
    upload_file_id bigint NOT NULL,
    source_line integer NOT NULL,
    created_at timestamp(6) with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    superseded_by_upload_id bigint NOT NULL,
    superseded_at timestamp(6) with time zone NOT NULL
);

--
-- Name: shogun_flash_shipment_history; Type: TABLE; Schema: stg; Owner: -
--

CREATE TABLE stg.shogun_flash_shipment_history (
    slip_date date NOT NULL,
    slip_no text NOT NULL,
    line_no integer NOT NULL,
    vendor_cd text,
    vendor_name text,
    item_cd text,
    item_name text,
    net_weight_kg numeric(14,3),
    quantity numeric(14,3),
    unit_name text,
    unit_price numeric(14,2),
    amount numeric(16,2),
    sales_rep text,
    upload_file_id bigint NOT NULL,
    source_line integer NOT NULL,
    created_at timestamp(6) with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    superseded_by_upload_id bigint NOT NULL,
    superseded_at timestamp(6) with time zone NOT NULL
);

--
-- Name: shogun_flash_yard; Type: TABLE; Schema: stg; Owner: -
--

CREATE TABLE stg.shogun_flash_yard (
    slip_date date NOT NULL,
    slip_no text NOT NULL,
    line_no integer NOT NULL,
    item_cd text,
    item_name text,
    net_weight_kg numeric(14,3),
    quantity numeric(14,3),
    unit_name text,
    upload_file_id bigint NOT NULL,
    source_line integer NOT NULL,
    created_at timestamp(6) with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL
);

--
-- Name: shogun_flash_yard_history; Type: TABLE; Schema: stg; Owner: -
--

CREATE TABLE stg.shogun_flash_yard_history (
    slip_date date NOT NULL,
    slip_no text NOT NULL,
    line_no integer NOT NULL,
    item_cd text,
    item_name text,
    net_weight_kg numeric(14,3),
    quantity numeric(14,3),
    unit_name text,
    upload_file_id bigint NOT NULL,
    source_line integer NOT NULL,
    created_at timestamp(6) with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    superseded_by_upload_id bigint NOT NULL,
    superseded_at timestamp(6) with time zone NOT NULL
);

