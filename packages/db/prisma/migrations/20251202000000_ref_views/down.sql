DROP VIEW mart.v_receive_monthly;
DROP VIEW mart.v_receive_weekly;
DROP VIEW mart.v_receive_daily;
