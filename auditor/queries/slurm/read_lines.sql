-- Creates the temp table {{lines}}: the lines of the text dump $path, each read whole (the
-- delimiter $delim is a byte sacct never prints; the split is slurm/split.sql's), in
-- $encoding. $max_line_size is the longest line read; $buffer_size bounds the reader's memory.
CREATE OR REPLACE TEMP TABLE {{lines}} AS
SELECT line AS text
FROM read_csv(
    $path, columns = {'line': 'VARCHAR'}, delim = $delim, quote = '', escape = '',
    header = false, auto_detect = false, encoding = $encoding,
    max_line_size = $max_line_size, buffer_size = $buffer_size
)
