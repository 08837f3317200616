-- Returns the physical line (csv_starts) of each record the reader rejected, by the
-- reader's line.
SELECT duck_line, line FROM csv_starts WHERE duck_line IN (SELECT line FROM csv_rejects)
