-- Returns the jobs of the temp view `footprint` whose memory basis (requested or used) their
-- log does not give, so their allocated memory was counted (mem_basis_fallback), as
-- footprint/problems.sql's rows (each project's with $by_project): (project, kind
-- 'mem_basis_fallback', key: the basis asked for, detail, cluster, jobs, example_uid).
SELECT
    CASE WHEN $by_project THEN project END AS project,
    'mem_basis_fallback' AS kind, mem_basis AS key, NULL AS detail, NULL AS cluster,
    count(*) AS jobs, min(uid) AS example_uid
FROM footprint
WHERE mem_basis_fallback
GROUP BY ALL
ORDER BY project, key;
