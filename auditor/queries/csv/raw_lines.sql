-- Creates `raw_lines`: the physical lines of the file $path, each read whole (the delimiter
-- $delim is a byte text logs never hold), in $encoding: what csv/line_map.sql maps.
CREATE OR REPLACE TEMP TABLE raw_lines AS
SELECT line AS text
FROM read_csv(
    $path, columns = {'line': 'VARCHAR'}, delim = $delim, quote = '', escape = '',
    header = false, auto_detect = false, encoding = $encoding, max_line_size = $max_line_size
)
