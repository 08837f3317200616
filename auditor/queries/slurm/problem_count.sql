-- Returns how many rows of `slurm_row_keys` have a problem.
SELECT count(*) FROM slurm_row_keys WHERE problem IS NOT NULL
