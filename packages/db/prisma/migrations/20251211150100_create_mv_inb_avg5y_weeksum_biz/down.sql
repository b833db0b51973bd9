DROP MATERIALIZED VIEW mart.mv_inb_avg5y_weeksum_biz;
