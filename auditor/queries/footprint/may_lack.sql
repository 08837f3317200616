-- Returns one row: may_lack, whether a class of footprint/classes.sql may lack or default a
-- factor (only then are footprint/problems.sql's checks worth their pass); idle_check,
-- whether a job with a known GPU use may lack its GPUs' idle power (only then is
-- footprint/idle_unknown.sql's); mem_check, whether a class counts memory on another basis
-- than the allocation, which a job's log may lack (only then is footprint/mem_fallback.sql's);
-- owned_check, whether a class lacks a server price (only then is
-- footprint/owned_unpriced.sql's).
SELECT
    coalesce(bool_or(may_lack), FALSE) AS may_lack,
    coalesce(bool_or(idle_unknown), FALSE) AND EXISTS (
        SELECT 1 FROM footprint_jobs
        WHERE gpus > 0 AND (gpu_util IS NOT NULL OR gpu_util_peak = 0)
    ) AS idle_check,
    coalesce(bool_or(mem_basis <> 'allocated'), FALSE) AS mem_check,
    coalesce(bool_or(server_usd IS NULL OR cpu_server_usd IS NULL), FALSE) AS owned_check
FROM footprint_classes;
