-- Stages an ingest batch (registered as `incoming`) as `staged_jobs`, one row per uid:
-- the last occurrence by file order then line wins, as a later export overrides an earlier one.
CREATE TEMP TABLE staged_jobs AS
SELECT * EXCLUDE (file_order)
FROM incoming
QUALIFY row_number() OVER (PARTITION BY uid ORDER BY file_order DESC, src_line DESC NULLS LAST) = 1;
