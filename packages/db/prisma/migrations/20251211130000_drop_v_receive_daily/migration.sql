-- requires: mart.v_receive_daily, mart.v_receive_weekly, mart.v_receive_monthly
-- Retire the plain view now that mart.mv_receive_daily exists. Its dependants are dropped by name
-- and recreated on the MV in the next migration: the old system's DROP VIEW ... CASCADE removed
-- them silently. Without CASCADE, an unknown dependant makes this migration fail loudly instead.
DROP VIEW mart.v_receive_monthly;
DROP VIEW mart.v_receive_weekly;
DROP VIEW mart.v_receive_daily;
