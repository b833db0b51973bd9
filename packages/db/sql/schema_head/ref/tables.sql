-- ref/tables.sql of schema_head.sql, written by `pnpm db:snapshot`; do not edit. For review only: new
-- databases are built from the single file (pnpm db:init-from-snapshot).

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

