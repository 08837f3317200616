-- Creates `slurm_step_stats`: the figures of the steps in `slurm_row_keys` summed per
-- allocation, keyed by the allocation's row_key (uid_key). Rows with a problem take no part.
CREATE TEMP TABLE slurm_step_stats AS
WITH steps AS (
    SELECT
        cluster_name,
        split_part(raw_id, '.', 1) AS parent_raw,
        coalesce(start_ts, submit_ts, TIMESTAMPTZ '9999-12-31 00:00:00+00') AS step_ts,
        total_cpu_s,
        max_rss_bytes,
        energy_in
    FROM slurm_row_keys
    WHERE is_step AND problem IS NULL
),
step_owner AS (
    -- A step belongs to the latest allocation with its raw id submitted before it started
    -- (requeued jobs keep their id under a new Submit).
    SELECT a.uid_key, s.*
    FROM steps s
    ASOF JOIN (
        SELECT
            cluster_name, raw_id, row_key AS uid_key,
            coalesce(submit_ts, TIMESTAMPTZ '1970-01-01 00:00:00+00') AS owner_ts
        FROM slurm_row_keys
        WHERE NOT is_step AND problem IS NULL
    ) a
    ON s.cluster_name = a.cluster_name AND s.parent_raw = a.raw_id AND s.step_ts >= a.owner_ts
)
SELECT
    uid_key,
    fsum(total_cpu_s) AS steps_cpu_s,
    max(max_rss_bytes) AS steps_max_rss_bytes,
    -- the .extern step spans the whole allocation; steps overlap, so never sum energy
    max(nullif(energy_in, 0)) AS steps_energy_j
FROM step_owner
GROUP BY uid_key
