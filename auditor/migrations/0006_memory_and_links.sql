-- The memory a job asked for, beside what it was given (mem_gb) and what it used
-- (max_rss_gb), so the footprint can count the memory basis a site chooses
-- ([site] mem_basis: allocated, requested or used, as Green Algorithms offers requested and
-- needed memory):
--   mem_req_gb   requested memory, GiB (Slurm ReqMem, per CPU or node multiplied out, else
--                ReqTRES mem; a CSV mem_req_gb column)
ALTER TABLE jobs ADD COLUMN mem_req_gb DOUBLE;
ALTER TABLE jobs_replaced ADD COLUMN mem_req_gb DOUBLE;

-- counted_jobs of 0002_mlflow_link.sql, and a linked Slurm job now also takes from its
-- MLflow runs what they say of its GPUs and Slurm does not: the largest GPU memory any run
-- used, and where its GPU use and memory came from (the runs' own words).
CREATE OR REPLACE VIEW counted_jobs AS
WITH linked AS (
    SELECT
        l.slurm_uid,
        count(*) AS runs,
        count(m.energy_j) AS measured_runs,
        sum(m.energy_j) AS energy_j,
        avg(m.gpu_util) AS gpu_util,
        any_value(m.gpu_util_from) AS gpu_util_from,
        max(m.gpu_mem_gb) AS gpu_mem_gb,
        arg_max(m.gpu_mem_from, m.gpu_mem_gb) AS gpu_mem_from,
        string_agg(m.job_id, ',' ORDER BY m.job_id) AS run_ids
    FROM mlflow_slurm_links l
    JOIN jobs m ON m.uid = l.mlflow_uid
    GROUP BY l.slurm_uid
),
merged AS (
    SELECT
        j.*,
        k.slurm_uid IS NOT NULL AND j.energy_j IS NULL AND j.power_w IS NULL
            AND k.runs = k.measured_runs AS energy_from_mlflow,
        k.slurm_uid IS NOT NULL AS is_linked,
        k.energy_j AS mlflow_energy_j,
        k.gpu_util AS mlflow_gpu_util,
        k.gpu_util_from AS mlflow_gpu_util_from,
        k.gpu_mem_gb AS mlflow_gpu_mem_gb,
        k.gpu_mem_from AS mlflow_gpu_mem_from,
        k.run_ids AS mlflow_run_ids
    FROM jobs j
    LEFT JOIN linked k ON k.slurm_uid = j.uid
    WHERE j.uid NOT IN (SELECT mlflow_uid FROM mlflow_slurm_links)
)
SELECT * EXCLUDE (energy_from_mlflow, is_linked, mlflow_energy_j, mlflow_gpu_util,
        mlflow_gpu_util_from, mlflow_gpu_mem_gb, mlflow_gpu_mem_from, mlflow_run_ids)
    REPLACE (
        CASE WHEN energy_from_mlflow THEN mlflow_energy_j ELSE energy_j END AS energy_j,
        CASE WHEN is_linked THEN coalesce(gpu_util, mlflow_gpu_util) ELSE gpu_util END
            AS gpu_util,
        CASE WHEN is_linked AND gpu_util IS NULL AND mlflow_gpu_util IS NOT NULL
            THEN mlflow_gpu_util_from ELSE gpu_util_from END AS gpu_util_from,
        CASE WHEN is_linked THEN coalesce(gpu_mem_gb, mlflow_gpu_mem_gb) ELSE gpu_mem_gb END
            AS gpu_mem_gb,
        CASE WHEN is_linked AND gpu_mem_gb IS NULL AND mlflow_gpu_mem_gb IS NOT NULL
            THEN mlflow_gpu_mem_from ELSE gpu_mem_from END AS gpu_mem_from,
        CASE WHEN is_linked THEN map_concat(
            coalesce(tags, MAP {}),
            map_from_entries(list_filter([
                {'k': 'mlflow_runs', 'v': mlflow_run_ids},
                {'k': 'energy_from', 'v': CASE WHEN energy_from_mlflow THEN 'mlflow' END},
                -- MLflow's system metrics measure the GPUs only
                {'k': 'energy_scope', 'v': CASE WHEN energy_from_mlflow THEN 'gpu' END}
            ], lambda x: x.v IS NOT NULL))
        ) ELSE tags END AS tags
    )
FROM merged;
