-- Creates `series_rows`: the intervals to store, a record that repeats another of its
-- series exactly (same start, end and value: an overlapping download) kept once, the first.
CREATE OR REPLACE TEMP TABLE series_rows AS
SELECT zone, kind, basis, start_ts, end_ts, g_per_kwh, estimated, file AS src_file,
    ord AS src_line, place
FROM intervals
QUALIFY row_number() OVER (
    PARTITION BY zone, kind, basis, start_ts ORDER BY file_no, ord
) = 1;
