-- Creates the temp view `lake_priced`: the lake's rows (temp view `lake_jobs`) with the
-- columns of footprint/job.sql's view `footprint` that the summary and report queries read,
-- so that they run unchanged: gpus, cpus and mem_gb as numbers (0 for none), gpu_model the
-- model that priced the job, logged_gpu_model the one its log names. lake/footprint.sql and
-- lake/report_footprint.sql pick its rows.
CREATE OR REPLACE TEMP VIEW lake_priced AS
SELECT
    j.* REPLACE (
        coalesce(j.gpus, 0) AS gpus,
        coalesce(j.cpus, 0) AS cpus,
        coalesce(j.mem_gb, 0) AS mem_gb,
        j.priced_gpu_model AS gpu_model
    ),
    j.gpu_model AS logged_gpu_model
FROM lake_jobs j;
