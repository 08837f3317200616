-- Gives each allocation of `slurm_row_keys` whose jobstats summary `slurm_jobstats` finds
-- bad that problem, naming the AdminComment (its start only: a summary is long).
UPDATE slurm_row_keys r
SET problem = 'AdminComment ''' || left(r.jobstats, 16)
    || CASE WHEN length(r.jobstats) > 16 THEN '...' ELSE '' END
    || ''' is not a jobstats summary (JS1: and the base64 of gzipped JSON): ' || js.problem
FROM slurm_jobstats js
WHERE js.row_key = r.row_key AND js.problem IS NOT NULL AND r.problem IS NULL
