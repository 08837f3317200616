-- Returns why the reader rejected each record: its first error, by the reader's line.
SELECT line, first(error_message ORDER BY column_idx) FROM csv_rejects GROUP BY line
