-- Creates `slurm_gpu_facts`: the GPU use of the allocations that have any, by where they
-- are (file_order, line), as slurm/canonical.sql gives it (slurm/gpu_facts.sql fills it).
-- Apart from `slurm_alloc_facts`, which it would widen by eight columns: most dumps have
-- none, and the second pass holds that table whole.
CREATE TEMP TABLE slurm_gpu_facts (
    file_order BIGINT, line BIGINT, gpu_util DOUBLE, gpu_util_peak DOUBLE, gpu_mem_gb DOUBLE,
    gpu_util_from VARCHAR, gpu_peak_from VARCHAR, gpu_mem_from VARCHAR
)
