-- Creates the temp view `factor_class_jobs`: the temp view `footprint` (footprint/job.sql)
-- with `factor_class`, a struct of what decides which factors a job used beside its class of
-- footprint/classes.sql (class_no): the conditions under which each factor counts
-- (has_hours, has_gpus, no_gpus, has_energy, has_gpu_hours; annual_part: the annual
-- intensity gave all or part of the job's, series_part: a stored series gave part of it),
-- energy_source, gpu_util_unknown and cpu_util_unknown, gpu_use and cpu_use where no use is
-- measured (elsewhere they are the job's own figure, which lists no factor) with their
-- sources, and the stored series' zone, kind and basis; beside them, to be added up rather
-- than grouped by, series_weighted and series_covered (a stored series' mean intensity
-- times the run time it covers, and that time). A job's factors are its class's
-- (report/factor_class_values.sql) under these conditions: report/footprint.sql keeps the
-- struct with each job, and report/factor_classes.sql groups the jobs by it.
CREATE OR REPLACE TEMP VIEW factor_class_jobs AS
SELECT
    *,
    {
        'class_no': class_no,
        'has_hours': hours > 0,
        'has_gpus': gpus > 0,
        'no_gpus': gpus = 0,
        'has_energy': energy_kwh > 0,
        'has_gpu_hours': gpu_hours > 0,
        'annual_part': coalesce(series_covered_s < run_s, TRUE),
        'series_part': series_covered_s > 0,
        'energy_source': energy_source,
        'gpu_util_unknown': gpu_util IS NULL,
        'cpu_util_unknown': cpu_util IS NULL,
        'gpu_use': CASE WHEN gpu_util IS NULL THEN gpu_use END,
        'gpu_use_source': gpu_use_source,
        'cpu_use': CASE WHEN cpu_util IS NULL THEN cpu_use END,
        'cpu_use_source': cpu_use_source,
        'series_zone': series_zone,
        'series_kind': series_kind,
        'series_basis': series_basis,
        'series_weighted': series_mean_g_per_kwh * series_covered_s,
        'series_covered': series_covered_s
    } AS factor_class
FROM footprint;
