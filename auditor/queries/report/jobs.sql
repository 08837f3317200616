-- Creates the temp view `report_jobs`: the counted jobs ({{jobs}}: counted_jobs, or the jobs
-- table when the two hold the same rows) a report covers (uid, project, name), by the
-- filters of the temp table `report_params` (report/params.sql): those projects (all when
-- none), and the jobs whose date (start, else submit, else end, in UTC) falls on or between
-- since and until (a job with no date is left out when either is set). Jobs still running
-- are left out, as summary/gpu_hours.sql leaves them out by default. A view: a report of
-- every job reads it for its projects and its top runs' names only, where a table of a
-- million uids would be written for that.
CREATE OR REPLACE TEMP VIEW report_jobs AS
SELECT j.uid, j.project, j.name
FROM {{jobs}} j, report_params p
WHERE NOT j.running
  AND (len(p.projects) = 0 OR list_contains(p.projects, j.project))
  AND (p.since IS NULL
       OR CAST(timezone('UTC', coalesce(j.start_ts, j.submit_ts, j.end_ts)) AS DATE) >= p.since)
  AND (p.until IS NULL
       OR CAST(timezone('UTC', coalesce(j.start_ts, j.submit_ts, j.end_ts)) AS DATE) <= p.until);
