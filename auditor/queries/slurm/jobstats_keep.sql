-- Stores in `slurm_jobstats_lines` the lines of `slurm_jobstats_chunk`, read from the
-- payloads numbered from $lo on: one line each, in order.
INSERT INTO slurm_jobstats_lines
SELECT $lo + rowid AS idx, line
FROM slurm_jobstats_chunk
