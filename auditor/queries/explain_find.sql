-- Returns the counted jobs whose uid, job_id or run is $ident (uid, cluster, job_id, run),
-- an exact uid first, then by uid.
SELECT uid, cluster, job_id, run
FROM counted_jobs
WHERE uid = $ident OR job_id = $ident OR run = $ident
ORDER BY uid <> $ident, uid;
