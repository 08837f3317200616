-- Returns the counted jobs whose uid, job_id or run is $ident (uid, cluster, job_id, run),
-- an exact uid first, then by uid; an MLflow run counted as its Slurm job gives that job.
SELECT uid, cluster, job_id, run
FROM counted_jobs
WHERE uid = $ident OR job_id = $ident OR run = $ident
UNION
SELECT l.slurm_uid, c.cluster, c.job_id, c.run
FROM mlflow_slurm_links l
JOIN counted_jobs c ON c.uid = l.slurm_uid
WHERE l.mlflow_uid = $ident OR l.run_id = $ident
ORDER BY uid <> $ident, uid;
