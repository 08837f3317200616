-- Returns the first file of `csv_checked` (file, largest value) whose GPU utilisation column,
-- read as percent, holds only values from 0 to 1 and one above 0: most likely fractions.
SELECT file, max(util_pct_in) AS largest
FROM csv_checked
WHERE util_pct_in BETWEEN 0 AND 100
GROUP BY file_order, file
HAVING max(util_pct_in) <= 1 AND max(util_pct_in) > 0
ORDER BY file_order
LIMIT 1
