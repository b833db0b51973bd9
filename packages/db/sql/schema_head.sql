--
-- PostgreSQL database dump
--

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: auth; Type: SCHEMA; Schema: -; Owner: -
--

CREATE SCHEMA auth;

--
-- Name: kpi; Type: SCHEMA; Schema: -; Owner: -
--

CREATE SCHEMA kpi;

--
-- Name: log; Type: SCHEMA; Schema: -; Owner: -
--

CREATE SCHEMA log;

--
-- Name: mart; Type: SCHEMA; Schema: -; Owner: -
--

CREATE SCHEMA mart;

--
-- Name: raw; Type: SCHEMA; Schema: -; Owner: -
--

CREATE SCHEMA raw;

--
-- Name: ref; Type: SCHEMA; Schema: -; Owner: -
--

CREATE SCHEMA ref;

--
-- Name: stg; Type: SCHEMA; Schema: -; Owner: -
--

CREATE SCHEMA stg;

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

--
-- Name: account; Type: TABLE; Schema: auth; Owner: -
--

CREATE TABLE auth.account (
    id text NOT NULL,
    account_id text NOT NULL,
    provider_id text NOT NULL,
    user_id text NOT NULL,
    access_token text,
    refresh_token text,
    id_token text,
    access_token_expires_at timestamp(6) with time zone,
    refresh_token_expires_at timestamp(6) with time zone,
    scope text,
    password text,
    created_at timestamp(6) with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp(6) with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL
);

--
-- Name: api_key; Type: TABLE; Schema: auth; Owner: -
--

CREATE TABLE auth.api_key (
    id bigint NOT NULL,
    user_id text NOT NULL,
    name text NOT NULL,
    prefix text NOT NULL,
    key_hash text NOT NULL,
    created_at timestamp(6) with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    last_used_at timestamp(6) with time zone,
    revoked_at timestamp(6) with time zone
);

--
-- Name: api_key_id_seq; Type: SEQUENCE; Schema: auth; Owner: -
--

CREATE SEQUENCE auth.api_key_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: api_key_id_seq; Type: SEQUENCE OWNED BY; Schema: auth; Owner: -
--

ALTER SEQUENCE auth.api_key_id_seq OWNED BY auth.api_key.id;

--
-- Name: session; Type: TABLE; Schema: auth; Owner: -
--

CREATE TABLE auth.session (
    id text NOT NULL,
    expires_at timestamp(6) with time zone NOT NULL,
    token text NOT NULL,
    created_at timestamp(6) with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp(6) with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    ip_address text,
    user_agent text,
    user_id text NOT NULL,
    impersonated_by text
);

--
-- Name: user; Type: TABLE; Schema: auth; Owner: -
--

CREATE TABLE auth."user" (
    id text NOT NULL,
    name text NOT NULL,
    email text NOT NULL,
    email_verified boolean DEFAULT false NOT NULL,
    image text,
    created_at timestamp(6) with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp(6) with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    role text DEFAULT 'viewer'::text NOT NULL,
    banned boolean DEFAULT false NOT NULL,
    ban_reason text,
    ban_expires timestamp(6) with time zone,
    CONSTRAINT user_role_check CHECK ((role = ANY (ARRAY['viewer'::text, 'staff'::text, 'admin'::text])))
);

--
-- Name: verification; Type: TABLE; Schema: auth; Owner: -
--

CREATE TABLE auth.verification (
    id text NOT NULL,
    identifier text NOT NULL,
    value text NOT NULL,
    expires_at timestamp(6) with time zone NOT NULL,
    created_at timestamp(6) with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp(6) with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL
);

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

--
-- Name: upload_touched_date; Type: TABLE; Schema: log; Owner: -
--

CREATE TABLE log.upload_touched_date (
    upload_file_id bigint NOT NULL,
    slip_date date NOT NULL
);

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
-- Name: TABLE mv_receive_daily; Type: COMMENT; Schema: mart; Owner: -
--

COMMENT ON TABLE mart.mv_receive_daily IS 'Received tons, slips and amount per date; final rows win over flash for a date that has any. Source of every receive dashboard.';

--
-- Name: calendar; Type: TABLE; Schema: ref; Owner: -
--

CREATE TABLE ref.calendar (
    ddate date NOT NULL,
    iso_year integer NOT NULL,
    iso_week integer NOT NULL,
    iso_dow integer NOT NULL,
    is_holiday boolean DEFAULT false NOT NULL,
    holiday_name text,
    is_business_day boolean NOT NULL,
    day_type text NOT NULL
);

--
-- Name: v_receive_5y_days; Type: VIEW; Schema: mart; Owner: -
--

CREATE VIEW mart.v_receive_5y_days AS
 WITH bounds AS (
         SELECT (EXTRACT(isoyear FROM max(r_1.ddate)))::integer AS last_year
           FROM mart.mv_receive_daily r_1
        )
 SELECT c.ddate,
    c.iso_year,
    c.iso_week,
    c.iso_dow,
    c.is_business_day,
    c.day_type,
    COALESCE(r.receive_net_ton, (0)::numeric) AS ton
   FROM ((ref.calendar c
     CROSS JOIN bounds b)
     LEFT JOIN mart.mv_receive_daily r ON ((r.ddate = c.ddate)))
  WHERE ((c.iso_year >= (b.last_year - 5)) AND (c.iso_year <= (b.last_year - 1)));

--
-- Name: VIEW v_receive_5y_days; Type: COMMENT; Schema: mart; Owner: -
--

COMMENT ON VIEW mart.v_receive_5y_days IS 'Every calendar day of the five ISO years before the latest year with receipts, with its received tons (0 on a day without any): the one input of the four 5-year averages (mart.mv_inb5y_week_profile_min, mart.mv_inb_avg5y_day_biz, mart.mv_inb_avg5y_day_scope, mart.mv_inb_avg5y_weeksum_biz).';

--
-- Name: mv_inb5y_week_profile_min; Type: MATERIALIZED VIEW; Schema: mart; Owner: -
--

CREATE MATERIALIZED VIEW mart.mv_inb5y_week_profile_min AS
 SELECT d.iso_week,
    avg(d.ton) FILTER (WHERE d.is_business_day) AS avg_biz_day_ton,
    avg(d.ton) FILTER (WHERE (d.day_type = 'sun_hol'::text)) AS avg_reserve_day_ton,
    count(*) FILTER (WHERE d.is_business_day) AS n_biz_days,
    count(*) FILTER (WHERE (d.day_type = 'sun_hol'::text)) AS n_reserve_days
   FROM mart.v_receive_5y_days d
  GROUP BY d.iso_week
  WITH NO DATA;

--
-- Name: MATERIALIZED VIEW mv_inb5y_week_profile_min; Type: COMMENT; Schema: mart; Owner: -
--

COMMENT ON MATERIALIZED VIEW mart.mv_inb5y_week_profile_min IS 'Per ISO week over five years: average business day and average reserve day (Sunday/holiday). Input of the weekly forecast.';

--
-- Name: mv_inb_avg5y_day_biz; Type: MATERIALIZED VIEW; Schema: mart; Owner: -
--

CREATE MATERIALIZED VIEW mart.mv_inb_avg5y_day_biz AS
 SELECT d.iso_week,
    d.iso_dow,
    avg(d.ton) AS avg_ton,
    count(*) AS n_days,
    min(d.iso_year) AS year_from,
    max(d.iso_year) AS year_to
   FROM mart.v_receive_5y_days d
  WHERE d.is_business_day
  GROUP BY d.iso_week, d.iso_dow
  WITH NO DATA;

--
-- Name: MATERIALIZED VIEW mv_inb_avg5y_day_biz; Type: COMMENT; Schema: mart; Owner: -
--

COMMENT ON MATERIALIZED VIEW mart.mv_inb_avg5y_day_biz IS '5-year average received tons per (ISO week, ISO weekday), business days only.';

--
-- Name: mv_inb_avg5y_day_scope; Type: MATERIALIZED VIEW; Schema: mart; Owner: -
--

CREATE MATERIALIZED VIEW mart.mv_inb_avg5y_day_scope AS
 WITH scoped AS (
         SELECT 'all'::text AS scope,
            d.ddate,
            d.iso_year,
            d.iso_week,
            d.iso_dow,
            d.is_business_day,
            d.day_type,
            d.ton
           FROM mart.v_receive_5y_days d
        UNION ALL
         SELECT 'biz'::text AS scope,
            d.ddate,
            d.iso_year,
            d.iso_week,
            d.iso_dow,
            d.is_business_day,
            d.day_type,
            d.ton
           FROM mart.v_receive_5y_days d
          WHERE d.is_business_day
        )
 SELECT s.scope,
    s.iso_week,
    s.iso_dow,
    avg(s.ton) AS avg_ton,
    count(*) AS n_days
   FROM scoped s
  GROUP BY s.scope, s.iso_week, s.iso_dow
  WITH NO DATA;

--
-- Name: MATERIALIZED VIEW mv_inb_avg5y_day_scope; Type: COMMENT; Schema: mart; Owner: -
--

COMMENT ON MATERIALIZED VIEW mart.mv_inb_avg5y_day_scope IS '5-year average received tons per (ISO week, ISO weekday) over all days (scope all) and business days (scope biz).';

--
-- Name: mv_inb_avg5y_weeksum_biz; Type: MATERIALIZED VIEW; Schema: mart; Owner: -
--

CREATE MATERIALIZED VIEW mart.mv_inb_avg5y_weeksum_biz AS
 WITH weeks AS (
         SELECT d.iso_year,
            d.iso_week,
            sum(d.ton) AS week_ton
           FROM mart.v_receive_5y_days d
          WHERE d.is_business_day
          GROUP BY d.iso_year, d.iso_week
        )
 SELECT w.iso_week,
    avg(w.week_ton) AS avg_week_ton,
    stddev_samp(w.week_ton) AS stddev_week_ton,
    count(*) AS n_weeks
   FROM weeks w
  GROUP BY w.iso_week
  WITH NO DATA;

--
-- Name: MATERIALIZED VIEW mv_inb_avg5y_weeksum_biz; Type: COMMENT; Schema: mart; Owner: -
--

COMMENT ON MATERIALIZED VIEW mart.mv_inb_avg5y_weeksum_biz IS '5-year mean and standard deviation of weekly received tons per ISO week, business days only.';

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
-- Name: mv_receive_daily__query; Type: VIEW; Schema: mart; Owner: -
--

CREATE VIEW mart.mv_receive_daily__query AS
 WITH winning AS (
         SELECT f.slip_date,
            f.slip_no,
            f.net_weight_kg,
            f.amount
           FROM stg.shogun_final_receive f
        UNION ALL
         SELECT s.slip_date,
            s.slip_no,
            s.net_weight_kg,
            s.amount
           FROM stg.shogun_flash_receive s
          WHERE (NOT (EXISTS ( SELECT 1
                   FROM stg.shogun_final_receive f
                  WHERE (f.slip_date = s.slip_date))))
        )
 SELECT w.slip_date AS ddate,
    COALESCE(c.iso_year, (EXTRACT(isoyear FROM w.slip_date))::integer) AS iso_year,
    COALESCE(c.iso_week, (EXTRACT(week FROM w.slip_date))::integer) AS iso_week,
    (COALESCE(sum(w.net_weight_kg), (0)::numeric) / (1000)::numeric) AS receive_net_ton,
    count(DISTINCT w.slip_no) AS slip_count,
    COALESCE(sum(w.amount), (0)::numeric) AS amount_yen
   FROM (winning w
     LEFT JOIN ref.calendar c ON ((c.ddate = w.slip_date)))
  GROUP BY w.slip_date, c.iso_year, c.iso_week;

--
-- Name: VIEW mv_receive_daily__query; Type: COMMENT; Schema: mart; Owner: -
--

COMMENT ON VIEW mart.mv_receive_daily__query IS 'Declared query of the incremental table mart.mv_receive_daily (key ddate); the refresher fills mart.mv_receive_daily from it. Read mart.mv_receive_daily, not this view.';

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

--
-- Name: TABLE mv_shipment_daily; Type: COMMENT; Schema: mart; Owner: -
--

COMMENT ON TABLE mart.mv_shipment_daily IS 'Shipped tons, slips and amount per date and sales rep; final rows win over flash for a date that has any.';

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
-- Name: mv_shipment_daily__query; Type: VIEW; Schema: mart; Owner: -
--

CREATE VIEW mart.mv_shipment_daily__query AS
 WITH winning AS (
         SELECT f.slip_date,
            f.slip_no,
            f.sales_rep,
            f.net_weight_kg,
            f.amount
           FROM stg.shogun_final_shipment f
        UNION ALL
         SELECT s.slip_date,
            s.slip_no,
            s.sales_rep,
            s.net_weight_kg,
            s.amount
           FROM stg.shogun_flash_shipment s
          WHERE (NOT (EXISTS ( SELECT 1
                   FROM stg.shogun_final_shipment f
                  WHERE (f.slip_date = s.slip_date))))
        )
 SELECT w.slip_date AS ddate,
    COALESCE(w.sales_rep, ''::text) AS sales_rep,
    (COALESCE(sum(w.net_weight_kg), (0)::numeric) / (1000)::numeric) AS shipment_net_ton,
    count(DISTINCT w.slip_no) AS slip_count,
    COALESCE(sum(w.amount), (0)::numeric) AS amount_yen
   FROM winning w
  GROUP BY w.slip_date, COALESCE(w.sales_rep, ''::text);

--
-- Name: VIEW mv_shipment_daily__query; Type: COMMENT; Schema: mart; Owner: -
--

COMMENT ON VIEW mart.mv_shipment_daily__query IS 'Declared query of the incremental table mart.mv_shipment_daily (key ddate); the refresher fills mart.mv_shipment_daily from it. Read mart.mv_shipment_daily, not this view.';

--
-- Name: v_daily_target_with_calendar; Type: VIEW; Schema: mart; Owner: -
--

CREATE VIEW mart.v_daily_target_with_calendar AS
 WITH biz_days AS (
         SELECT (date_trunc('month'::text, (c_1.ddate)::timestamp with time zone))::date AS month,
            count(*) AS n
           FROM ref.calendar c_1
          WHERE c_1.is_business_day
          GROUP BY ((date_trunc('month'::text, (c_1.ddate)::timestamp with time zone))::date)
        )
 SELECT c.ddate,
    c.iso_year,
    c.iso_week,
    c.iso_dow,
    c.day_type,
    c.is_business_day,
    COALESCE(p.target_ton,
        CASE
            WHEN (m.target_ton IS NULL) THEN NULL::numeric
            WHEN c.is_business_day THEN (m.target_ton / (NULLIF(b.n, 0))::numeric)
            ELSE (0)::numeric
        END) AS target_ton
   FROM (((ref.calendar c
     LEFT JOIN mart.daily_target_plan p ON ((p.ddate = c.ddate)))
     LEFT JOIN kpi.monthly_targets m ON ((m.month = (date_trunc('month'::text, (c.ddate)::timestamp with time zone))::date)))
     LEFT JOIN biz_days b ON ((b.month = (date_trunc('month'::text, (c.ddate)::timestamp with time zone))::date)));

--
-- Name: VIEW v_daily_target_with_calendar; Type: COMMENT; Schema: mart; Owner: -
--

COMMENT ON VIEW mart.v_daily_target_with_calendar IS 'One row per calendar date: ISO week, weekday, day type and the target tons (the daily plan, else the month''s target spread over its business days, 0 on other days, NULL when neither exists). The source of the target card.';

--
-- Name: v_target_card_per_day; Type: VIEW; Schema: mart; Owner: -
--

CREATE VIEW mart.v_target_card_per_day AS
 WITH day AS (
         SELECT t.ddate,
            t.iso_year,
            t.iso_week,
            (date_trunc('month'::text, (t.ddate)::timestamp with time zone))::date AS month,
            t.target_ton,
            COALESCE(r.receive_net_ton, (0)::numeric) AS actual_ton
           FROM (mart.v_daily_target_with_calendar t
             LEFT JOIN mart.mv_receive_daily r ON ((r.ddate = t.ddate)))
        )
 SELECT d.ddate,
    d.iso_year,
    d.iso_week,
    d.target_ton,
    d.actual_ton,
    sum(d.target_ton) OVER week_to_date AS wtd_target_ton,
    sum(d.actual_ton) OVER week_to_date AS wtd_actual_ton,
    sum(d.target_ton) OVER month_to_date AS mtd_target_ton,
    sum(d.actual_ton) OVER month_to_date AS mtd_actual_ton,
    (d.actual_ton / NULLIF(d.target_ton, (0)::numeric)) AS achievement_ratio
   FROM day d
  WINDOW week_to_date AS (PARTITION BY d.iso_year, d.iso_week ORDER BY d.ddate), month_to_date AS (PARTITION BY d.month ORDER BY d.ddate);

--
-- Name: VIEW v_target_card_per_day; Type: COMMENT; Schema: mart; Owner: -
--

COMMENT ON VIEW mart.v_target_card_per_day IS 'The target card''s query, always current: per calendar date target and actual tons, week- and month-to-date sums, achievement ratio. mart.mv_target_card_per_day stores it for the dashboards; compare the two to see what a refresh would change. Built on mart.v_daily_target_with_calendar.';

--
-- Name: mv_target_card_per_day; Type: MATERIALIZED VIEW; Schema: mart; Owner: -
--

CREATE MATERIALIZED VIEW mart.mv_target_card_per_day AS
 SELECT c.ddate,
    c.iso_year,
    c.iso_week,
    c.target_ton,
    c.actual_ton,
    c.wtd_target_ton,
    c.wtd_actual_ton,
    c.mtd_target_ton,
    c.mtd_actual_ton,
    c.achievement_ratio
   FROM mart.v_target_card_per_day c
  WITH NO DATA;

--
-- Name: MATERIALIZED VIEW mv_target_card_per_day; Type: COMMENT; Schema: mart; Owner: -
--

COMMENT ON MATERIALIZED VIEW mart.mv_target_card_per_day IS 'The target card: per calendar date target and actual tons, week- and month-to-date sums, achievement ratio (NULL when the target is 0 or missing). Stores mart.v_target_card_per_day, which holds the query.';

--
-- Name: v_sales_tree_detail_base; Type: VIEW; Schema: mart; Owner: -
--

CREATE VIEW mart.v_sales_tree_detail_base AS
 WITH winning AS (
         SELECT f.slip_date,
            f.slip_no,
            f.line_no,
            f.vendor_cd,
            f.vendor_name,
            f.item_cd,
            f.item_name,
            f.sales_rep,
            f.net_weight_kg,
            f.quantity,
            f.unit_price,
            f.amount
           FROM stg.shogun_final_shipment f
        UNION ALL
         SELECT s.slip_date,
            s.slip_no,
            s.line_no,
            s.vendor_cd,
            s.vendor_name,
            s.item_cd,
            s.item_name,
            s.sales_rep,
            s.net_weight_kg,
            s.quantity,
            s.unit_price,
            s.amount
           FROM stg.shogun_flash_shipment s
          WHERE (NOT (EXISTS ( SELECT 1
                   FROM stg.shogun_final_shipment f
                  WHERE (f.slip_date = s.slip_date))))
        )
 SELECT w.slip_date AS ddate,
    w.vendor_cd AS customer_cd,
    w.vendor_name AS customer_name,
    w.item_cd,
    w.item_name,
    w.sales_rep,
    w.slip_no,
    w.line_no,
    w.net_weight_kg,
    w.quantity,
    w.unit_price,
    w.amount AS amount_yen
   FROM winning w;

--
-- Name: VIEW v_sales_tree_detail_base; Type: COMMENT; Schema: mart; Owner: -
--

COMMENT ON VIEW mart.v_sales_tree_detail_base IS 'One row per current shipment line (final rows win over flash for a date that has any): customer (業者), item, sales rep, weights and amounts. The base of the customer sales views.';

--
-- Name: v_customer_sales_daily; Type: VIEW; Schema: mart; Owner: -
--

CREATE VIEW mart.v_customer_sales_daily AS
 SELECT b.ddate,
    COALESCE(b.customer_cd, ''::text) AS customer_cd,
    max(b.customer_name) AS customer_name,
    (COALESCE(sum(b.net_weight_kg), (0)::numeric) / (1000)::numeric) AS net_ton,
    COALESCE(sum(b.amount_yen), (0)::numeric) AS amount_yen,
    count(DISTINCT COALESCE(b.item_cd, ''::text)) AS item_count,
    count(DISTINCT b.slip_no) AS slip_count
   FROM mart.v_sales_tree_detail_base b
  GROUP BY b.ddate, COALESCE(b.customer_cd, ''::text);

--
-- Name: VIEW v_customer_sales_daily; Type: COMMENT; Schema: mart; Owner: -
--

COMMENT ON VIEW mart.v_customer_sales_daily IS 'Sales per date and customer: tons, amount, number of items and of distinct slips. Read by GET /sales/customers/daily. A line without a customer code counts under ''''.';

--
-- Name: v_receive_monthly; Type: VIEW; Schema: mart; Owner: -
--

CREATE VIEW mart.v_receive_monthly AS
 SELECT (date_trunc('month'::text, (d.ddate)::timestamp with time zone))::date AS month,
    count(*) AS days_with_data,
    sum(d.receive_net_ton) AS receive_net_ton,
    sum(d.slip_count) AS slip_count,
    sum(d.amount_yen) AS amount_yen
   FROM mart.mv_receive_daily d
  GROUP BY ((date_trunc('month'::text, (d.ddate)::timestamp with time zone))::date);

--
-- Name: VIEW v_receive_monthly; Type: COMMENT; Schema: mart; Owner: -
--

COMMENT ON VIEW mart.v_receive_monthly IS 'Monthly sums of mart.mv_receive_daily.';

--
-- Name: v_receive_weekly; Type: VIEW; Schema: mart; Owner: -
--

CREATE VIEW mart.v_receive_weekly AS
 SELECT d.iso_year,
    d.iso_week,
    min((d.ddate - ((EXTRACT(isodow FROM d.ddate))::integer - 1))) AS week_start,
    count(*) AS days_with_data,
    sum(d.receive_net_ton) AS receive_net_ton,
    sum(d.slip_count) AS slip_count,
    sum(d.amount_yen) AS amount_yen
   FROM mart.mv_receive_daily d
  GROUP BY d.iso_year, d.iso_week;

--
-- Name: VIEW v_receive_weekly; Type: COMMENT; Schema: mart; Owner: -
--

COMMENT ON VIEW mart.v_receive_weekly IS 'Weekly sums (ISO week) of mart.mv_receive_daily.';

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

--
-- Name: v_calendar_classified; Type: VIEW; Schema: ref; Owner: -
--

CREATE VIEW ref.v_calendar_classified AS
 SELECT c.ddate,
    c.iso_year,
    c.iso_week,
    c.iso_dow,
    (c.ddate - (c.iso_dow - 1)) AS iso_week_start,
    c.day_type,
        CASE
            WHEN c.is_business_day THEN 'business'::text
            WHEN c.is_holiday THEN 'holiday'::text
            ELSE 'sunday'::text
        END AS day_class,
    c.is_business_day,
    c.is_holiday,
    c.holiday_name,
    (c.day_type = 'sun_hol'::text) AS is_reserve_day,
    (date_trunc('month'::text, (c.ddate)::timestamp with time zone))::date AS month,
        CASE
            WHEN c.is_business_day THEN count(*) FILTER (WHERE c.is_business_day) OVER month_to_date
            ELSE NULL::bigint
        END AS biz_day_of_month,
    count(*) FILTER (WHERE c.is_business_day) OVER month_to_date AS biz_days_mtd,
    count(*) FILTER (WHERE c.is_business_day) OVER whole_month AS biz_days_in_month
   FROM ref.calendar c
  WINDOW month_to_date AS (PARTITION BY (date_trunc('month'::text, (c.ddate)::timestamp with time zone)) ORDER BY c.ddate), whole_month AS (PARTITION BY (date_trunc('month'::text, (c.ddate)::timestamp with time zone)));

--
-- Name: VIEW v_calendar_classified; Type: COMMENT; Schema: ref; Owner: -
--

COMMENT ON VIEW ref.v_calendar_classified IS 'One row per calendar date, classified: business day (Mon–Sat, not a holiday), holiday or Sunday; reserve day (Sunday or holiday, the 5-year profile''s 予約日); ISO year, week and weekday with the week''s Monday; and the month-to-date position: the n-th business day of the month (NULL on other days), business days so far and business days in the month. The one place staff and dashboards read the day classification from.';

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

--
-- Name: api_key id; Type: DEFAULT; Schema: auth; Owner: -
--

ALTER TABLE ONLY auth.api_key ALTER COLUMN id SET DEFAULT nextval('auth.api_key_id_seq'::regclass);

--
-- Name: target_edit id; Type: DEFAULT; Schema: kpi; Owner: -
--

ALTER TABLE ONLY kpi.target_edit ALTER COLUMN id SET DEFAULT nextval('kpi.target_edit_id_seq'::regclass);

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

--
-- Name: account account_pkey; Type: CONSTRAINT; Schema: auth; Owner: -
--

ALTER TABLE ONLY auth.account
    ADD CONSTRAINT account_pkey PRIMARY KEY (id);

--
-- Name: api_key api_key_pkey; Type: CONSTRAINT; Schema: auth; Owner: -
--

ALTER TABLE ONLY auth.api_key
    ADD CONSTRAINT api_key_pkey PRIMARY KEY (id);

--
-- Name: session session_pkey; Type: CONSTRAINT; Schema: auth; Owner: -
--

ALTER TABLE ONLY auth.session
    ADD CONSTRAINT session_pkey PRIMARY KEY (id);

--
-- Name: user user_pkey; Type: CONSTRAINT; Schema: auth; Owner: -
--

ALTER TABLE ONLY auth."user"
    ADD CONSTRAINT user_pkey PRIMARY KEY (id);

--
-- Name: verification verification_pkey; Type: CONSTRAINT; Schema: auth; Owner: -
--

ALTER TABLE ONLY auth.verification
    ADD CONSTRAINT verification_pkey PRIMARY KEY (id);

--
-- Name: monthly_targets monthly_targets_pkey; Type: CONSTRAINT; Schema: kpi; Owner: -
--

ALTER TABLE ONLY kpi.monthly_targets
    ADD CONSTRAINT monthly_targets_pkey PRIMARY KEY (month);

--
-- Name: target_edit target_edit_pkey; Type: CONSTRAINT; Schema: kpi; Owner: -
--

ALTER TABLE ONLY kpi.target_edit
    ADD CONSTRAINT target_edit_pkey PRIMARY KEY (id);

--
-- Name: alert_incident alert_incident_pkey; Type: CONSTRAINT; Schema: log; Owner: -
--

ALTER TABLE ONLY log.alert_incident
    ADD CONSTRAINT alert_incident_pkey PRIMARY KEY (id);

--
-- Name: audit_event audit_event_pkey; Type: CONSTRAINT; Schema: log; Owner: -
--

ALTER TABLE ONLY log.audit_event
    ADD CONSTRAINT audit_event_pkey PRIMARY KEY (id);

--
-- Name: migration_rebuild migration_rebuild_pkey; Type: CONSTRAINT; Schema: log; Owner: -
--

ALTER TABLE ONLY log.migration_rebuild
    ADD CONSTRAINT migration_rebuild_pkey PRIMARY KEY (id);

--
-- Name: migration_swap migration_swap_pkey; Type: CONSTRAINT; Schema: log; Owner: -
--

ALTER TABLE ONLY log.migration_swap
    ADD CONSTRAINT migration_swap_pkey PRIMARY KEY (id);

--
-- Name: mv_refresh_log mv_refresh_log_pkey; Type: CONSTRAINT; Schema: log; Owner: -
--

ALTER TABLE ONLY log.mv_refresh_log
    ADD CONSTRAINT mv_refresh_log_pkey PRIMARY KEY (id);

--
-- Name: upload_blob upload_blob_pkey; Type: CONSTRAINT; Schema: log; Owner: -
--

ALTER TABLE ONLY log.upload_blob
    ADD CONSTRAINT upload_blob_pkey PRIMARY KEY (upload_file_id, chunk_no);

--
-- Name: upload_error upload_error_pkey; Type: CONSTRAINT; Schema: log; Owner: -
--

ALTER TABLE ONLY log.upload_error
    ADD CONSTRAINT upload_error_pkey PRIMARY KEY (upload_file_id, seq);

--
-- Name: upload_file upload_file_pkey; Type: CONSTRAINT; Schema: log; Owner: -
--

ALTER TABLE ONLY log.upload_file
    ADD CONSTRAINT upload_file_pkey PRIMARY KEY (id);

--
-- Name: upload_touched_date upload_touched_date_pkey; Type: CONSTRAINT; Schema: log; Owner: -
--

ALTER TABLE ONLY log.upload_touched_date
    ADD CONSTRAINT upload_touched_date_pkey PRIMARY KEY (upload_file_id, slip_date);

--
-- Name: daily_target_plan daily_target_plan_pkey; Type: CONSTRAINT; Schema: mart; Owner: -
--

ALTER TABLE ONLY mart.daily_target_plan
    ADD CONSTRAINT daily_target_plan_pkey PRIMARY KEY (ddate);

--
-- Name: shogun_receive shogun_receive_pkey; Type: CONSTRAINT; Schema: raw; Owner: -
--

ALTER TABLE ONLY raw.shogun_receive
    ADD CONSTRAINT shogun_receive_pkey PRIMARY KEY (upload_file_id, source_line);

--
-- Name: shogun_shipment shogun_shipment_pkey; Type: CONSTRAINT; Schema: raw; Owner: -
--

ALTER TABLE ONLY raw.shogun_shipment
    ADD CONSTRAINT shogun_shipment_pkey PRIMARY KEY (upload_file_id, source_line);

--
-- Name: shogun_yard shogun_yard_pkey; Type: CONSTRAINT; Schema: raw; Owner: -
--

ALTER TABLE ONLY raw.shogun_yard
    ADD CONSTRAINT shogun_yard_pkey PRIMARY KEY (upload_file_id, source_line);

--
-- Name: calendar calendar_pkey; Type: CONSTRAINT; Schema: ref; Owner: -
--

ALTER TABLE ONLY ref.calendar
    ADD CONSTRAINT calendar_pkey PRIMARY KEY (ddate);

--
-- Name: shogun_final_receive_history shogun_final_receive_history_pkey; Type: CONSTRAINT; Schema: stg; Owner: -
--

ALTER TABLE ONLY stg.shogun_final_receive_history
    ADD CONSTRAINT shogun_final_receive_history_pkey PRIMARY KEY (superseded_by_upload_id, slip_date, slip_no, line_no);

--
-- Name: shogun_final_receive shogun_final_receive_pkey; Type: CONSTRAINT; Schema: stg; Owner: -
--

ALTER TABLE ONLY stg.shogun_final_receive
    ADD CONSTRAINT shogun_final_receive_pkey PRIMARY KEY (slip_date, slip_no, line_no);

--
-- Name: shogun_final_shipment_history shogun_final_shipment_history_pkey; Type: CONSTRAINT; Schema: stg; Owner: -
--

ALTER TABLE ONLY stg.shogun_final_shipment_history
    ADD CONSTRAINT shogun_final_shipment_history_pkey PRIMARY KEY (superseded_by_upload_id, slip_date, slip_no, line_no);

--
-- Name: shogun_final_shipment shogun_final_shipment_pkey; Type: CONSTRAINT; Schema: stg; Owner: -
--

ALTER TABLE ONLY stg.shogun_final_shipment
    ADD CONSTRAINT shogun_final_shipment_pkey PRIMARY KEY (slip_date, slip_no, line_no);

--
-- Name: shogun_final_yard_history shogun_final_yard_history_pkey; Type: CONSTRAINT; Schema: stg; Owner: -
--

ALTER TABLE ONLY stg.shogun_final_yard_history
    ADD CONSTRAINT shogun_final_yard_history_pkey PRIMARY KEY (superseded_by_upload_id, slip_date, slip_no, line_no);

--
-- Name: shogun_final_yard shogun_final_yard_pkey; Type: CONSTRAINT; Schema: stg; Owner: -
--

ALTER TABLE ONLY stg.shogun_final_yard
    ADD CONSTRAINT shogun_final_yard_pkey PRIMARY KEY (slip_date, slip_no, line_no);

--
-- Name: shogun_flash_receive_history shogun_flash_receive_history_pkey; Type: CONSTRAINT; Schema: stg; Owner: -
--

ALTER TABLE ONLY stg.shogun_flash_receive_history
    ADD CONSTRAINT shogun_flash_receive_history_pkey PRIMARY KEY (superseded_by_upload_id, slip_date, slip_no, line_no);

--
-- Name: shogun_flash_receive shogun_flash_receive_pkey; Type: CONSTRAINT; Schema: stg; Owner: -
--

ALTER TABLE ONLY stg.shogun_flash_receive
    ADD CONSTRAINT shogun_flash_receive_pkey PRIMARY KEY (slip_date, slip_no, line_no);

--
-- Name: shogun_flash_shipment_history shogun_flash_shipment_history_pkey; Type: CONSTRAINT; Schema: stg; Owner: -
--

ALTER TABLE ONLY stg.shogun_flash_shipment_history
    ADD CONSTRAINT shogun_flash_shipment_history_pkey PRIMARY KEY (superseded_by_upload_id, slip_date, slip_no, line_no);

--
-- Name: shogun_flash_shipment shogun_flash_shipment_pkey; Type: CONSTRAINT; Schema: stg; Owner: -
--

ALTER TABLE ONLY stg.shogun_flash_shipment
    ADD CONSTRAINT shogun_flash_shipment_pkey PRIMARY KEY (slip_date, slip_no, line_no);

--
-- Name: shogun_flash_yard_history shogun_flash_yard_history_pkey; Type: CONSTRAINT; Schema: stg; Owner: -
--

ALTER TABLE ONLY stg.shogun_flash_yard_history
    ADD CONSTRAINT shogun_flash_yard_history_pkey PRIMARY KEY (superseded_by_upload_id, slip_date, slip_no, line_no);

--
-- Name: shogun_flash_yard shogun_flash_yard_pkey; Type: CONSTRAINT; Schema: stg; Owner: -
--

ALTER TABLE ONLY stg.shogun_flash_yard
    ADD CONSTRAINT shogun_flash_yard_pkey PRIMARY KEY (slip_date, slip_no, line_no);

--
-- Name: account_user_id_idx; Type: INDEX; Schema: auth; Owner: -
--

CREATE INDEX account_user_id_idx ON auth.account USING btree (user_id);

--
-- Name: api_key_key_hash_key; Type: INDEX; Schema: auth; Owner: -
--

CREATE UNIQUE INDEX api_key_key_hash_key ON auth.api_key USING btree (key_hash);

--
-- Name: api_key_user_id_idx; Type: INDEX; Schema: auth; Owner: -
--

CREATE INDEX api_key_user_id_idx ON auth.api_key USING btree (user_id);

--
-- Name: session_token_key; Type: INDEX; Schema: auth; Owner: -
--

CREATE UNIQUE INDEX session_token_key ON auth.session USING btree (token);

--
-- Name: session_user_id_idx; Type: INDEX; Schema: auth; Owner: -
--

CREATE INDEX session_user_id_idx ON auth.session USING btree (user_id);

--
-- Name: user_email_key; Type: INDEX; Schema: auth; Owner: -
--

CREATE UNIQUE INDEX user_email_key ON auth."user" USING btree (email);

--
-- Name: verification_identifier_idx; Type: INDEX; Schema: auth; Owner: -
--

CREATE INDEX verification_identifier_idx ON auth.verification USING btree (identifier);

--
-- Name: target_edit_edited_at_idx; Type: INDEX; Schema: kpi; Owner: -
--

CREATE INDEX target_edit_edited_at_idx ON kpi.target_edit USING btree (edited_at);

--
-- Name: alert_incident_key_opened_at_idx; Type: INDEX; Schema: log; Owner: -
--

CREATE INDEX alert_incident_key_opened_at_idx ON log.alert_incident USING btree (key, opened_at DESC);

--
-- Name: audit_event_action_at_idx; Type: INDEX; Schema: log; Owner: -
--

CREATE INDEX audit_event_action_at_idx ON log.audit_event USING btree (action, at);

--
-- Name: audit_event_actor_name_at_idx; Type: INDEX; Schema: log; Owner: -
--

CREATE INDEX audit_event_actor_name_at_idx ON log.audit_event USING btree (actor_name, at);

--
-- Name: audit_event_at_idx; Type: INDEX; Schema: log; Owner: -
--

CREATE INDEX audit_event_at_idx ON log.audit_event USING btree (at);

--
-- Name: audit_event_object_type_object_id_id_idx; Type: INDEX; Schema: log; Owner: -
--

CREATE INDEX audit_event_object_type_object_id_id_idx ON log.audit_event USING btree (object_type, object_id, id);

--
-- Name: migration_rebuild_relation_rebuilt_at_idx; Type: INDEX; Schema: log; Owner: -
--

CREATE INDEX migration_rebuild_relation_rebuilt_at_idx ON log.migration_rebuild USING btree (relation, rebuilt_at DESC);

--
-- Name: migration_swap_swap_id_step_key; Type: INDEX; Schema: log; Owner: -
--

CREATE UNIQUE INDEX migration_swap_swap_id_step_key ON log.migration_swap USING btree (swap_id, step);

--
-- Name: mv_refresh_log_mv_name_started_at_idx; Type: INDEX; Schema: log; Owner: -
--

CREATE INDEX mv_refresh_log_mv_name_started_at_idx ON log.mv_refresh_log USING btree (mv_name, started_at DESC);

--
-- Name: upload_file_created_at_idx; Type: INDEX; Schema: log; Owner: -
--

CREATE INDEX upload_file_created_at_idx ON log.upload_file USING btree (created_at);

--
-- Name: upload_file_csv_type_flavour_file_sha256_idx; Type: INDEX; Schema: log; Owner: -
--

CREATE INDEX upload_file_csv_type_flavour_file_sha256_idx ON log.upload_file USING btree (csv_type, flavour, file_sha256);

--
-- Name: upload_file_csv_type_flavour_id_idx; Type: INDEX; Schema: log; Owner: -
--

CREATE INDEX upload_file_csv_type_flavour_id_idx ON log.upload_file USING btree (csv_type, flavour, id);

--
-- Name: upload_file_date_to_date_from_idx; Type: INDEX; Schema: log; Owner: -
--

CREATE INDEX upload_file_date_to_date_from_idx ON log.upload_file USING btree (date_to, date_from);

--
-- Name: upload_file_status_id_idx; Type: INDEX; Schema: log; Owner: -
--

CREATE INDEX upload_file_status_id_idx ON log.upload_file USING btree (status, id);

--
-- Name: upload_file_uploaded_by_id_idx; Type: INDEX; Schema: log; Owner: -
--

CREATE INDEX upload_file_uploaded_by_id_idx ON log.upload_file USING btree (uploaded_by, id);

--
-- Name: upload_touched_date_slip_date_idx; Type: INDEX; Schema: log; Owner: -
--

CREATE INDEX upload_touched_date_slip_date_idx ON log.upload_touched_date USING btree (slip_date);

--
-- Name: ix_mv_receive_daily_iso_week; Type: INDEX; Schema: mart; Owner: -
--

CREATE INDEX ix_mv_receive_daily_iso_week ON mart.mv_receive_daily USING btree (iso_year, iso_week);

--
-- Name: ix_mv_target_card_per_day_iso_week; Type: INDEX; Schema: mart; Owner: -
--

CREATE INDEX ix_mv_target_card_per_day_iso_week ON mart.mv_target_card_per_day USING btree (iso_year, iso_week);

--
-- Name: ux_mv_inb5y_week_profile_min; Type: INDEX; Schema: mart; Owner: -
--

CREATE UNIQUE INDEX ux_mv_inb5y_week_profile_min ON mart.mv_inb5y_week_profile_min USING btree (iso_week);

--
-- Name: ux_mv_inb_avg5y_day_biz; Type: INDEX; Schema: mart; Owner: -
--

CREATE UNIQUE INDEX ux_mv_inb_avg5y_day_biz ON mart.mv_inb_avg5y_day_biz USING btree (iso_week, iso_dow);

--
-- Name: ux_mv_inb_avg5y_day_scope; Type: INDEX; Schema: mart; Owner: -
--

CREATE UNIQUE INDEX ux_mv_inb_avg5y_day_scope ON mart.mv_inb_avg5y_day_scope USING btree (scope, iso_week, iso_dow);

--
-- Name: ux_mv_inb_avg5y_weeksum_biz; Type: INDEX; Schema: mart; Owner: -
--

CREATE UNIQUE INDEX ux_mv_inb_avg5y_weeksum_biz ON mart.mv_inb_avg5y_weeksum_biz USING btree (iso_week);

--
-- Name: ux_mv_receive_daily_ddate; Type: INDEX; Schema: mart; Owner: -
--

CREATE UNIQUE INDEX ux_mv_receive_daily_ddate ON mart.mv_receive_daily USING btree (ddate);

--
-- Name: ux_mv_shipment_daily_ddate_sales_rep; Type: INDEX; Schema: mart; Owner: -
--

CREATE UNIQUE INDEX ux_mv_shipment_daily_ddate_sales_rep ON mart.mv_shipment_daily USING btree (ddate, sales_rep);

--
-- Name: ux_mv_target_card_per_day_ddate; Type: INDEX; Schema: mart; Owner: -
--

CREATE UNIQUE INDEX ux_mv_target_card_per_day_ddate ON mart.mv_target_card_per_day USING btree (ddate);

--
-- Name: calendar_iso_year_iso_week_idx; Type: INDEX; Schema: ref; Owner: -
--

CREATE INDEX calendar_iso_year_iso_week_idx ON ref.calendar USING btree (iso_year, iso_week);

--
-- Name: audit_event audit_event_no_truncate; Type: TRIGGER; Schema: log; Owner: -
--

CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON log.audit_event FOR EACH STATEMENT EXECUTE FUNCTION log.audit_event_append_only();

--
-- Name: audit_event audit_event_no_update; Type: TRIGGER; Schema: log; Owner: -
--

CREATE TRIGGER audit_event_no_update BEFORE DELETE OR UPDATE ON log.audit_event FOR EACH ROW EXECUTE FUNCTION log.audit_event_append_only();

--
-- Name: account account_user_id_fkey; Type: FK CONSTRAINT; Schema: auth; Owner: -
--

ALTER TABLE ONLY auth.account
    ADD CONSTRAINT account_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth."user"(id) ON UPDATE CASCADE ON DELETE CASCADE;

--
-- Name: api_key api_key_user_id_fkey; Type: FK CONSTRAINT; Schema: auth; Owner: -
--

ALTER TABLE ONLY auth.api_key
    ADD CONSTRAINT api_key_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth."user"(id) ON UPDATE CASCADE ON DELETE CASCADE;

--
-- Name: session session_user_id_fkey; Type: FK CONSTRAINT; Schema: auth; Owner: -
--

ALTER TABLE ONLY auth.session
    ADD CONSTRAINT session_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth."user"(id) ON UPDATE CASCADE ON DELETE CASCADE;

--
-- Name: upload_blob upload_blob_upload_file_id_fkey; Type: FK CONSTRAINT; Schema: log; Owner: -
--

ALTER TABLE ONLY log.upload_blob
    ADD CONSTRAINT upload_blob_upload_file_id_fkey FOREIGN KEY (upload_file_id) REFERENCES log.upload_file(id) ON UPDATE CASCADE ON DELETE CASCADE;

--
-- Name: upload_error upload_error_upload_file_id_fkey; Type: FK CONSTRAINT; Schema: log; Owner: -
--

ALTER TABLE ONLY log.upload_error
    ADD CONSTRAINT upload_error_upload_file_id_fkey FOREIGN KEY (upload_file_id) REFERENCES log.upload_file(id) ON UPDATE CASCADE ON DELETE CASCADE;

--
-- Name: upload_touched_date upload_touched_date_upload_file_id_fkey; Type: FK CONSTRAINT; Schema: log; Owner: -
--

ALTER TABLE ONLY log.upload_touched_date
    ADD CONSTRAINT upload_touched_date_upload_file_id_fkey FOREIGN KEY (upload_file_id) REFERENCES log.upload_file(id) ON UPDATE CASCADE ON DELETE CASCADE;

--
-- PostgreSQL database dump complete
--
