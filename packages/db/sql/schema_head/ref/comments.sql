-- ref/comments.sql of schema_head.sql, written by `pnpm db:snapshot`; do not edit. For review only: new
-- databases are built from the single file (pnpm db:init-from-snapshot).

--
-- Name: VIEW v_calendar_classified; Type: COMMENT; Schema: ref; Owner: -
--

COMMENT ON VIEW ref.v_calendar_classified IS 'One row per calendar date, classified: business day (Mon–Sat, not a holiday), holiday or Sunday; reserve day (Sunday or holiday, the 5-year profile''s 予約日); ISO year, week and weekday with the week''s Monday; and the month-to-date position: the n-th business day of the month (NULL on other days), business days so far and business days in the month. The one place staff and dashboards read the day classification from.';

