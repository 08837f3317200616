-- Returns the gzip members of the jobstats payloads numbered $lo to $hi - 1 in
-- `slurm_jobstats_payloads`, in order: the importer joins them into one gzip file after a
-- member holding 'J'.
SELECT member
FROM slurm_jobstats_payloads
WHERE idx >= $lo AND idx < $hi
ORDER BY idx
