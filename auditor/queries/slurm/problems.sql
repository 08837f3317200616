-- Returns the first five rows of `slurm_row_keys` with a problem, in file order: the file's
-- place in the import (row_key is file_order * 2^40 + line), where in it, and the problem.
SELECT row_key // 1099511627776 AS file_order, loc, problem
FROM slurm_row_keys
WHERE problem IS NOT NULL
ORDER BY row_key, loc
LIMIT 5
