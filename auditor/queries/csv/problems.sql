-- Returns the first five records of `csv_checked` with a problem, in file order: the file's
-- place in the import, its line (or record number), file, where, problem and field.
SELECT file_order, coalesce(line, rec), file, loc, problem, problem_field
FROM csv_checked
WHERE problem IS NOT NULL
ORDER BY file_order, rec
LIMIT 5
