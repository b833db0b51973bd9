-- mart/views.sql of schema_head.sql, written by `pnpm db:snapshot`; do not edit. For review only: new
-- databases are built from the single file (pnpm db:init-from-snapshot).

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

