-- Creates the temp view `footprint` over the lake (temp view `lake_jobs`): the rows the temp
-- table `footprint_params` (footprint/params.sql) picks, with the columns of
-- footprint/job.sql's view of the same name that the summary queries read, so that they run
-- unchanged: gpus, cpus and mem_gb as numbers (0 for none), gpu_model the model that priced
-- the job, logged_gpu_model the one its log names.
CREATE OR REPLACE TEMP VIEW footprint AS
SELECT
    j.* REPLACE (
        coalesce(j.gpus, 0) AS gpus,
        coalesce(j.cpus, 0) AS cpus,
        coalesce(j.mem_gb, 0) AS mem_gb,
        j.priced_gpu_model AS gpu_model
    ),
    j.gpu_model AS logged_gpu_model
FROM lake_jobs j, footprint_params p
WHERE (p.uid IS NULL OR j.uid = p.uid)
  AND (p.project IS NULL OR j.project = p.project)
  AND (p.include_running OR j.included);
