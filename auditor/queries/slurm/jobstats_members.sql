-- Returns the gzip members of the jobstats payloads numbered $lo to $hi - 1 in
-- `slurm_jobstats_payloads`, in order: the importer joins them into one gzip file.
SELECT member
FROM slurm_jobstats_payloads
WHERE idx >= $lo AND idx < $hi
ORDER BY idx
