-- mart/comments.sql of schema_head.sql, written by `pnpm db:snapshot`; do not edit. For review only: new
-- databases are built from the single file (pnpm db:init-from-snapshot).

--
-- Name: TABLE mv_receive_daily; Type: COMMENT; Schema: mart; Owner: -
--

COMMENT ON TABLE mart.mv_receive_daily IS 'Received tons, slips and amount per date; final rows win over flash for a date that has any. Source of every receive dashboard.';

--
-- Name: VIEW v_receive_5y_days; Type: COMMENT; Schema: mart; Owner: -
--

COMMENT ON VIEW mart.v_receive_5y_days IS 'Every calendar day of the five ISO years before the latest year with receipts, with its received tons (0 on a day without any): the one input of the four 5-year averages (mart.mv_inb5y_week_profile_min, mart.mv_inb_avg5y_day_biz, mart.mv_inb_avg5y_day_scope, mart.mv_inb_avg5y_weeksum_biz).';

--
-- Name: MATERIALIZED VIEW mv_inb5y_week_profile_min; Type: COMMENT; Schema: mart; Owner: -
--

COMMENT ON MATERIALIZED VIEW mart.mv_inb5y_week_profile_min IS 'Per ISO week over five years: average business day and average reserve day (Sunday/holiday). Input of the weekly forecast.';

--
-- Name: MATERIALIZED VIEW mv_inb_avg5y_day_biz; Type: COMMENT; Schema: mart; Owner: -
--

COMMENT ON MATERIALIZED VIEW mart.mv_inb_avg5y_day_biz IS '5-year average received tons per (ISO week, ISO weekday), business days only.';

--
-- Name: MATERIALIZED VIEW mv_inb_avg5y_day_scope; Type: COMMENT; Schema: mart; Owner: -
--

COMMENT ON MATERIALIZED VIEW mart.mv_inb_avg5y_day_scope IS '5-year average received tons per (ISO week, ISO weekday) over all days (scope all) and business days (scope biz).';

--
-- Name: MATERIALIZED VIEW mv_inb_avg5y_weeksum_biz; Type: COMMENT; Schema: mart; Owner: -
--

COMMENT ON MATERIALIZED VIEW mart.mv_inb_avg5y_weeksum_biz IS '5-year mean and standard deviation of weekly received tons per ISO week, business days only.';

--
-- Name: VIEW mv_receive_daily__query; Type: COMMENT; Schema: mart; Owner: -
--

COMMENT ON VIEW mart.mv_receive_daily__query IS 'Declared query of the incremental table mart.mv_receive_daily (key ddate); the refresher fills mart.mv_receive_daily from it. Read mart.mv_receive_daily, not this view.';

--
-- Name: TABLE mv_shipment_daily; Type: COMMENT; Schema: mart; Owner: -
--

COMMENT ON TABLE mart.mv_shipment_daily IS 'Shipped tons, slips and amount per date and sales rep; final rows win over flash for a date that has any.';

--
-- Name: VIEW mv_shipment_daily__query; Type: COMMENT; Schema: mart; Owner: -
--

COMMENT ON VIEW mart.mv_shipment_daily__query IS 'Declared query of the incremental table mart.mv_shipment_daily (key ddate); the refresher fills mart.mv_shipment_daily from it. Read mart.mv_shipment_daily, not this view.';

--
-- Name: VIEW v_daily_target_with_calendar; Type: COMMENT; Schema: mart; Owner: -
--

COMMENT ON VIEW mart.v_daily_target_with_calendar IS 'One row per calendar date: ISO week, weekday, day type and the target tons (the daily plan, else the month''s target spread over its business days, 0 on other days, NULL when neither exists). The source of the target card.';

--
-- Name: VIEW v_target_card_per_day; Type: COMMENT; Schema: mart; Owner: -
--

COMMENT ON VIEW mart.v_target_card_per_day IS 'The target card''s query, always current: per calendar date target and actual tons, week- and month-to-date sums, achievement ratio. mart.mv_target_card_per_day stores it for the dashboards; compare the two to see what a refresh would change. Built on mart.v_daily_target_with_calendar.';

--
-- Name: MATERIALIZED VIEW mv_target_card_per_day; Type: COMMENT; Schema: mart; Owner: -
--

COMMENT ON MATERIALIZED VIEW mart.mv_target_card_per_day IS 'The target card: per calendar date target and actual tons, week- and month-to-date sums, achievement ratio (NULL when the target is 0 or missing). Stores mart.v_target_card_per_day, which holds the query.';

--
-- Name: VIEW v_sales_tree_detail_base; Type: COMMENT; Schema: mart; Owner: -
--

COMMENT ON VIEW mart.v_sales_tree_detail_base IS 'One row per current shipment line (final rows win over flash for a date that has any): customer (業者), item, sales rep, weights and amounts. The base of the customer sales views.';

--
-- Name: VIEW v_customer_sales_daily; Type: COMMENT; Schema: mart; Owner: -
--

COMMENT ON VIEW mart.v_customer_sales_daily IS 'Sales per date and customer: tons, amount, number of items and of distinct slips. Read by GET /sales/customers/daily. A line without a customer code counts under ''''.';

--
-- Name: VIEW v_receive_monthly; Type: COMMENT; Schema: mart; Owner: -
--

COMMENT ON VIEW mart.v_receive_monthly IS 'Monthly sums of mart.mv_receive_daily.';

--
-- Name: VIEW v_receive_weekly; Type: COMMENT; Schema: mart; Owner: -
--

COMMENT ON VIEW mart.v_receive_weekly IS 'Weekly sums (ISO week) of mart.mv_receive_daily.';

