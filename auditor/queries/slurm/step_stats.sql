-- Creates `slurm_step_stats`: the figures of the steps in `slurm_row_keys` summed (or the
-- largest taken) per allocation, keyed by the allocation's row_key (uid_key). Rows with a problem take no part.
CREATE TEMP TABLE slurm_step_stats AS
WITH step_owner AS (
    -- A step belongs to the latest allocation with its raw id submitted before it started
    -- (requeued jobs keep their id under a new Submit).
    SELECT a.uid_key, s.total_cpu_s, s.max_rss_bytes, s.energy_in, s.gpu_util_tot,
        s.gpu_util_max, s.gpu_mem_tot, s.gpu_mem_max
    FROM (
        SELECT cluster_name, owner_raw, key_ts, total_cpu_s, max_rss_bytes, energy_in,
            gpu_util_tot, gpu_util_max, gpu_mem_tot, gpu_mem_max
        FROM slurm_row_keys
        WHERE is_step AND problem IS NULL
    ) s
    ASOF JOIN (
        -- a missing Submit sorts the allocation first
        SELECT cluster_name, owner_raw, row_key AS uid_key,
            coalesce(key_ts, TIMESTAMPTZ '1970-01-01 00:00:00+00') AS key_ts
        FROM slurm_row_keys
        WHERE NOT is_step AND problem IS NULL
    ) a
    ON s.cluster_name = a.cluster_name AND s.owner_raw = a.owner_raw AND s.key_ts >= a.key_ts
)
SELECT
    uid_key,
    fsum(total_cpu_s) AS steps_cpu_s,
    max(max_rss_bytes) AS steps_max_rss_bytes,
    -- the .extern step spans the whole allocation; steps overlap, so never sum energy
    max(nullif(energy_in, 0)) AS steps_energy_j,
    -- GPU use: the step with the highest value, never a sum (steps overlap), of each field;
    -- $gpu_use (put in as a literal) is 0 when no step has any: then none is read
    max(CASE WHEN $gpu_use = 1 THEN gpu_util_tot END) AS steps_gpu_util_tot,
    max(CASE WHEN $gpu_use = 1 THEN gpu_util_max END) AS steps_gpu_util_max,
    max(CASE WHEN $gpu_use = 1 THEN gpu_mem_tot END) AS steps_gpu_mem_tot,
    max(CASE WHEN $gpu_use = 1 THEN gpu_mem_max END) AS steps_gpu_mem_max
FROM step_owner
GROUP BY uid_key
