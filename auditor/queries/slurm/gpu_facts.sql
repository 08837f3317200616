-- Stores in `slurm_gpu_facts` the GPU use of each allocation of `slurm_row_keys` without a
-- problem whose steps (`slurm_step_stats`) or jobstats summary (`slurm_jobstats`) give any:
--   gpu_util       jobstats' mean, a time average: the only mean
--   gpu_util_peak  Slurm's gres/gpuutil, the highest of the steps' summed per-task peaks
--                  (InTot) where a step has them, else the largest per-task peak (InMax),
--                  over 100 x the job's GPUs: a peak, never a mean; none on MIG slices
--   gpu_mem_gb     jobstats' (each GPU's largest, summed), else the steps' gres/gpumem,
--                  read like the peak (none on MIG slices), GiB
-- and the source of each.
INSERT INTO slurm_gpu_facts
WITH used AS (
    SELECT uid_key AS row_key
    FROM slurm_step_stats
    WHERE coalesce(steps_gpu_util_tot, steps_gpu_util_max, steps_gpu_mem_tot,
                   steps_gpu_mem_max) IS NOT NULL
    UNION
    SELECT row_key
    FROM slurm_jobstats
    WHERE problem IS NULL AND coalesce(gpu_util, gpu_mem_bytes) IS NOT NULL
),
facts AS (
    SELECT
        u.row_key,
        a.gpus_in,
        coalesce(g.gpu_mig, false) AS mig,
        st.steps_gpu_util_tot AS util_tot,
        st.steps_gpu_util_max AS util_max,
        st.steps_gpu_mem_tot AS mem_tot,
        st.steps_gpu_mem_max AS mem_max,
        js.gpu_util AS mean,
        js.gpu_mem_bytes AS mem_js
    FROM used u
    JOIN slurm_row_keys a ON a.row_key = u.row_key
    LEFT JOIN slurm_step_stats st ON st.uid_key = u.row_key
    LEFT JOIN slurm_jobstats js ON js.row_key = u.row_key AND js.problem IS NULL
    LEFT JOIN slurm_gpu_keys g ON g.gpu_type IS NOT DISTINCT FROM a.gpu_type
    WHERE NOT a.is_step AND a.problem IS NULL
)
SELECT
    -- row_key is file_order * 2^40 + line (slurm/checked.sql)
    row_key // 1099511627776 AS file_order,
    row_key % 1099511627776 AS line,
    mean AS gpu_util,
    CASE WHEN gpus_in > 0 AND NOT mig THEN coalesce(util_tot, util_max) / (100 * gpus_in) END
        AS gpu_util_peak,
    coalesce(mem_js, CASE WHEN NOT mig THEN coalesce(mem_tot, mem_max) END) / pow(1024, 3)
        AS gpu_mem_gb,
    CASE WHEN mean IS NOT NULL THEN 'jobstats' END AS gpu_util_from,
    CASE WHEN gpus_in = 0 OR mig THEN NULL
         WHEN util_tot IS NOT NULL THEN 'sacct TRESUsageInTot'
         WHEN util_max IS NOT NULL THEN 'sacct TRESUsageInMax' END AS gpu_peak_from,
    CASE WHEN mem_js IS NOT NULL THEN 'jobstats'
         WHEN mig THEN NULL
         WHEN mem_tot IS NOT NULL THEN 'sacct TRESUsageInTot'
         WHEN mem_max IS NOT NULL THEN 'sacct TRESUsageInMax' END AS gpu_mem_from
FROM facts
