DROP MATERIALIZED VIEW mart.mv_inb5y_week_profile_min;
