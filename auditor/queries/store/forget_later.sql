-- How many of ingest $ingest_id's rows later ingests have since updated or replaced, per
-- later ingest: those jobs keep the later values when it is forgotten.
SELECT replaced_by, count(*) AS jobs
FROM jobs_replaced
WHERE ingest_id = $ingest_id
GROUP BY replaced_by
ORDER BY replaced_by;
