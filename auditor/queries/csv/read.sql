-- Creates `csv_data`: the records of the CSV file $path (header on line $skip + 1, fields
-- separated by $delim, quoted with '"'), as text in the columns $columns names (c1, c2 ...),
-- in $encoding. Records the reader cannot take go to `csv_rejects`, not into an error.
CREATE OR REPLACE TEMP TABLE csv_data AS
SELECT *
FROM read_csv(
    $path, columns = $columns, all_varchar = true, header = true, skip = $skip,
    delim = $delim, quote = '"', escape = '"', auto_detect = false, strict_mode = true,
    store_rejects = true, rejects_table = 'csv_rejects', rejects_scan = 'csv_reject_scans',
    encoding = $encoding, max_line_size = $max_line_size
)
