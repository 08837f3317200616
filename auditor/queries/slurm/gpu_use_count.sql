-- Returns how many steps of `slurm_row_keys` carry GPU use (gres/gpuutil or gres/gpumem):
-- most dumps have none, and slurm/step_stats.sql then leaves it out.
SELECT count(*)
FROM slurm_row_keys
WHERE is_step
    AND (gpu_util_tot IS NOT NULL OR gpu_util_max IS NOT NULL OR gpu_mem_tot IS NOT NULL
         OR gpu_mem_max IS NOT NULL)
