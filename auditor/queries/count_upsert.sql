-- Returns (added, updated): staged rows whose uid is new, and those already stored.
SELECT
    count(*) FILTER (WHERE j.uid IS NULL) AS added,
    count(*) FILTER (WHERE j.uid IS NOT NULL) AS updated
FROM staged_jobs s
LEFT JOIN (SELECT DISTINCT uid FROM jobs) j USING (uid);
