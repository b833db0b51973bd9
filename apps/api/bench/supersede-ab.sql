-- Supersede 1M stg rows and insert 1M new ones, two ways, on a scratch database (psql -f this file):
-- (a) move the superseded rows to a history table (the design used), (b) flag them in place
-- (superseded_at + a partial unique index). Then what readers pay for each. Drops its schema at the end.
\timing on
DROP SCHEMA IF EXISTS ab CASCADE; CREATE SCHEMA ab;
CREATE TABLE ab.base AS SELECT (date '2020-01-01' + (g % 1826))::date slip_date, 'S'||(g/1826)::text slip_no, 1 line_no, 'V'||(g%300) vendor_cd, 'vendor' vendor_name,
  'I'||(g%40) item_cd, 'item' item_name, (g%5000)::numeric(14,3) net_weight_kg, 1::numeric(14,3) quantity, 'kg' unit_name, 12::numeric(14,2) unit_price, (g%90000)::numeric(16,2) amount,
  1::bigint upload_file_id, (g+2)::int source_line, now() created_at FROM generate_series(1, 1000000) g;
-- (a) history table design
CREATE TABLE ab.stg_a (LIKE ab.base, PRIMARY KEY (slip_date, slip_no, line_no));
CREATE TABLE ab.hist_a (LIKE ab.base, superseded_by_upload_id bigint NOT NULL, superseded_at timestamptz NOT NULL, PRIMARY KEY (superseded_by_upload_id, slip_date, slip_no, line_no));
INSERT INTO ab.stg_a SELECT * FROM ab.base;
-- (b) flag in place
CREATE TABLE ab.stg_b (LIKE ab.base, superseded_by_upload_id bigint, superseded_at timestamptz);
CREATE UNIQUE INDEX stg_b_key ON ab.stg_b (slip_date, slip_no, line_no) WHERE superseded_at IS NULL;
CREATE INDEX stg_b_by ON ab.stg_b (superseded_by_upload_id) WHERE superseded_by_upload_id IS NOT NULL;
INSERT INTO ab.stg_b SELECT *, NULL, NULL FROM ab.base;
VACUUM ANALYZE ab.stg_a; VACUUM ANALYZE ab.stg_b;
CHECKPOINT;
\echo === (a) supersede 1M rows: move to history
BEGIN;
WITH moved AS (DELETE FROM ab.stg_a WHERE slip_date BETWEEN '2020-01-01' AND '2024-12-31' RETURNING *) INSERT INTO ab.hist_a SELECT *, 2, statement_timestamp() FROM moved;
\echo === (a) insert 1M new rows
INSERT INTO ab.stg_a SELECT slip_date, slip_no, line_no, vendor_cd, vendor_name, item_cd, item_name, net_weight_kg + 1, quantity, unit_name, unit_price, amount, 2, source_line, now() FROM ab.base;
COMMIT;
CHECKPOINT;
\echo === (b) supersede 1M rows: flag in place
BEGIN;
UPDATE ab.stg_b SET superseded_by_upload_id = 2, superseded_at = statement_timestamp() WHERE slip_date BETWEEN '2020-01-01' AND '2024-12-31' AND superseded_at IS NULL;
\echo === (b) insert 1M new rows
INSERT INTO ab.stg_b SELECT slip_date, slip_no, line_no, vendor_cd, vendor_name, item_cd, item_name, net_weight_kg + 1, quantity, unit_name, unit_price, amount, 2, source_line, now(), NULL, NULL FROM ab.base;
COMMIT;
\echo === readers: a month aggregate, (a) stg only vs (b) current rows of the flagged table
SELECT count(*), sum(net_weight_kg) FROM ab.stg_a WHERE slip_date BETWEEN '2022-06-01' AND '2022-06-30';
SELECT count(*), sum(net_weight_kg) FROM ab.stg_b WHERE slip_date BETWEEN '2022-06-01' AND '2022-06-30' AND superseded_at IS NULL;
\echo === readers: whole table (as an MV refresh over 5 years)
SELECT count(*), sum(net_weight_kg) FROM ab.stg_a;
SELECT count(*), sum(net_weight_kg) FROM ab.stg_b WHERE superseded_at IS NULL;
SELECT pg_size_pretty(pg_total_relation_size('ab.stg_a')) a_stg, pg_size_pretty(pg_total_relation_size('ab.hist_a')) a_hist, pg_size_pretty(pg_total_relation_size('ab.stg_b')) b_stg;
DROP SCHEMA ab CASCADE;
