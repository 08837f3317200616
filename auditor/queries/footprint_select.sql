-- Creates the temp table `footprint_jobs`: the counted jobs a footprint is computed for.
-- $uid picks one job; $project one project; running jobs only with $include_running.
CREATE OR REPLACE TEMP TABLE footprint_jobs AS
SELECT *
FROM counted_jobs
WHERE ($uid IS NULL OR uid = $uid)
  AND ($project IS NULL OR project = $project)
  AND ($include_running OR NOT coalesce(running, false));
