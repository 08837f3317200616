-- Stores in `slurm_jobstats_lines` the lines of `slurm_jobstats_chunk`, read from the
-- $count payloads numbered from $lo on: one line each, in order, then a last line 'J' left
-- out.
INSERT INTO slurm_jobstats_lines
SELECT $lo + rowid AS idx, line
FROM slurm_jobstats_chunk
WHERE rowid < $count
