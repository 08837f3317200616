-- Returns the projects of the counted jobs that are not running (counted_jobs), sorted: those
-- a report of one project may name, whose notes an export keeps.
SELECT DISTINCT project
FROM counted_jobs
WHERE NOT running AND project IS NOT NULL
ORDER BY project;
