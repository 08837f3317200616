-- Returns (jobs, gpu_hours): the counted jobs still running, which totals leave out unless
-- asked to count them, and their GPU-hours so far (GPUs x elapsed_s as their log last gave
-- it: a Slurm dump's elapsed time at export, an MLflow run's newest metric). $projects keeps
-- those projects (all when empty); $since and $until keep the jobs dated (start, else
-- submit, in UTC) in that range, as report/jobs.sql does; either may be NULL.
SELECT
    count(*) AS jobs,
    coalesce(fsum(coalesce(gpus, 0) * greatest(coalesce(elapsed_s, 0), 0)), 0) / 3600.0
        AS gpu_hours
FROM counted_jobs
WHERE running
  AND (len($projects) = 0 OR list_contains($projects, project))
  AND ($since IS NULL
       OR CAST(timezone('UTC', coalesce(start_ts, submit_ts, end_ts)) AS DATE) >= $since)
  AND ($until IS NULL
       OR CAST(timezone('UTC', coalesce(start_ts, submit_ts, end_ts)) AS DATE) <= $until);
