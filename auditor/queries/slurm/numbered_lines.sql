-- Creates the temp view {{view}}: the lines of {{lines}} (a text dump read a line per row,
-- in order) with their 1-based number, as slurm/split.sql reads them.
CREATE OR REPLACE TEMP VIEW {{view}} AS
SELECT rowid + 1 AS line, text
FROM {{lines}}
