-- Returns the lines (as the reader counts them) of the records it rejected, in order.
SELECT DISTINCT line FROM csv_rejects ORDER BY line
