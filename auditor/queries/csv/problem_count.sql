-- Returns how many records of `csv_checked` have a problem.
SELECT count(*) FROM csv_checked WHERE problem IS NOT NULL
