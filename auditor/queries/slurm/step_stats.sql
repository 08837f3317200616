-- Creates `slurm_step_stats`: the figures of the steps in `slurm_row_keys` summed per
-- allocation, keyed by the allocation's row_key (uid_key). Rows with a problem take no part.
CREATE TEMP TABLE slurm_step_stats AS
WITH step_owner AS (
    -- A step belongs to the latest allocation with its raw id submitted before it started
    -- (requeued jobs keep their id under a new Submit).
    SELECT a.uid_key, s.total_cpu_s, s.max_rss_bytes, s.energy_in
    FROM (
        SELECT cluster_name, owner_raw, key_ts, total_cpu_s, max_rss_bytes, energy_in
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
    max(nullif(energy_in, 0)) AS steps_energy_j
FROM step_owner
GROUP BY uid_key
