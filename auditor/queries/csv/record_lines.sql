-- Creates `csv_line_map`: record k of `csv_data` (the records the reader took, in order) and
-- its physical line, from `csv_starts` without the records the reader rejected.
CREATE OR REPLACE TEMP TABLE csv_line_map AS
SELECT row_number() OVER (ORDER BY line) AS k, line
FROM csv_starts
WHERE duck_line NOT IN (SELECT line FROM csv_rejects)
