-- Creates `slurm_alloc_facts`: one row per allocation of `slurm_row_keys` without a problem,
-- with where it is (file_order, line), its parsed values, its steps' figures
-- (`slurm_step_stats`) and its GPU model key (`slurm_gpu_keys`): all the second pass
-- (slurm/canonical.sql) needs besides the allocation's raw text fields.
CREATE TEMP TABLE slurm_alloc_facts AS
SELECT
    -- row_key is file_order * 2^40 + line (slurm/checked.sql)
    a.row_key // 1099511627776 AS file_order,
    a.row_key % 1099511627776 AS line,
    a.cluster_name,
    a.owner_raw AS raw_id,
    a.key_ts AS submit_ts,
    a.start_ts,
    a.end_ts,
    a.elapsed_in,
    a.total_cpu_s,
    a.energy_in,
    a.gpus_in,
    a.gpu_type,
    a.cpus_in,
    a.nodes_in,
    st.steps_cpu_s,
    st.steps_max_rss_bytes,
    st.steps_energy_j,
    g.gpu_model
FROM slurm_row_keys a
LEFT JOIN slurm_step_stats st ON st.uid_key = a.row_key
LEFT JOIN slurm_gpu_keys g ON g.gpu_type IS NOT DISTINCT FROM a.gpu_type
WHERE NOT a.is_step AND a.problem IS NULL
