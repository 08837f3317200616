-- Returns the GPU models each project of the temp table `report_base` ran on (project,
-- gpu_model, gpu_hours), GPU models with GPU-hours only, by project, then most GPU-hours first.
SELECT project, gpu_model, fsum(gpu_hours) AS gpu_hours
FROM report_base
WHERE gpu_hours > 0
GROUP BY ALL
ORDER BY project, gpu_hours DESC, gpu_model;
