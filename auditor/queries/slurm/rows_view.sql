-- Creates the temp view {{view}}: the rows of `sacct_stored_rows` (JSON dumps; text dumps
-- split as they were read) and those of the views named in $splits (text dumps' lines, split
-- again each time the view is read, slurm/split.sql). A view: $splits is put in as a literal.
CREATE OR REPLACE TEMP VIEW {{view}} AS
FROM query_table(list_prepend('sacct_stored_rows', CAST($splits AS VARCHAR[])), true)
