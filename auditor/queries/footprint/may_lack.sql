-- Returns one row, one column: whether a class of footprint/classes.sql may lack or
-- default a factor, or a job with a known GPU use may lack its GPUs' idle power; only then
-- are footprint/problems.sql's checks worth their pass.
SELECT coalesce(bool_or(may_lack), FALSE) OR (
    coalesce(bool_or(idle_unknown), FALSE)
    AND EXISTS (
        SELECT 1 FROM footprint_jobs
        WHERE gpus > 0 AND (gpu_util IS NOT NULL OR gpu_util_peak = 0)
    )
)
FROM footprint_classes;
