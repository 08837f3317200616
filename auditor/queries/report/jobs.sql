-- Creates the temp table `report_jobs`: the counted jobs a report covers (uid, project, name,
-- date). $projects keeps those projects (all when empty); $since and $until keep the jobs
-- whose date (start, else submit, else end, in UTC) falls on or between those days (either
-- may be NULL; a job with no date is left out when either is set). Jobs still running are
-- left out, as summary/gpu_hours.sql leaves them out by default.
CREATE OR REPLACE TEMP TABLE report_jobs AS
SELECT
    uid,
    project,
    name,
    CAST(timezone('UTC', coalesce(start_ts, submit_ts, end_ts)) AS DATE) AS job_date
FROM counted_jobs
WHERE NOT running
  AND (len($projects) = 0 OR list_contains($projects, project))
  AND ($since IS NULL
       OR CAST(timezone('UTC', coalesce(start_ts, submit_ts, end_ts)) AS DATE) >= $since)
  AND ($until IS NULL
       OR CAST(timezone('UTC', coalesce(start_ts, submit_ts, end_ts)) AS DATE) <= $until);
