-- Creates the temp view `footprint` of a report over a lake: the lake's rows (temp view
-- `lake_jobs`) of the report's jobs (temp table `report_jobs`, report/jobs.sql) with the
-- columns of footprint/job.sql's view that report/footprint.sql and the report's queries
-- read, as lake/footprint.sql gives them; explained and cloud_prices, which a lake does not
-- hold, are NULL (the factors with their sources come from the lake's _factors.parquet).
CREATE OR REPLACE TEMP VIEW footprint AS
SELECT
    j.* REPLACE (
        coalesce(j.gpus, 0) AS gpus,
        coalesce(j.cpus, 0) AS cpus,
        coalesce(j.mem_gb, 0) AS mem_gb,
        j.priced_gpu_model AS gpu_model
    ),
    j.gpu_model AS logged_gpu_model,
    NULL::VARCHAR AS cloud_prices,
    NULL::VARCHAR AS explained
FROM lake_jobs j
SEMI JOIN report_jobs r ON r.uid = j.uid;
