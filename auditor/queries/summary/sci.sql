-- Creates the temp table `summary_grouped` for summary/named.sql: the Software Carbon
-- Intensity (ISO/IEC 21031:2024, SCI = (E x I + M) / R) of each group of the temp view
-- `summary_keyed` over the temp view `footprint`:
--   e_kwh  E, the jobs' energy with PUE (footprint energy_kwh)
--   o_g    E x I summed job by job: each job's energy times its own intensity (co2e_kg), g
--   i_g_per_kwh  I = o_g / e_kwh, the energy-weighted mean intensity of the group
--   m_g    M, embodied emissions of the hardware reserved (embodied_kg), g
--   r      R, the functional units: $per 'run' counts jobs, 'sweep' distinct sweeps (of their
--          store and project, as summary/group_names.sql tells them apart), 'project' distinct
--          projects, 'gpu_hour' sums GPU-hours; any other $per is a number each job carries:
--          its tag named $per exactly, else MLflow's metric.$per, param.$per or tag.$per
--          (CSV columns are tags by their own name); non-finite values count as missing
--   sci_g_per_unit = (o_g + m_g) / r, NULL where r is 0 or missing
--   jobs_without_r  jobs with no unit: no sweep, no project, or no value of $per; their
--          emissions stay in o_g and m_g (the boundary is every job of the group)
CREATE OR REPLACE TEMP TABLE summary_grouped AS
WITH valued AS (
    SELECT
        k.*,
        CASE $per
            WHEN 'run' THEN 1.0
            WHEN 'gpu_hour' THEN k.gpu_hours
            WHEN 'sweep' THEN CASE WHEN k.sweep IS NOT NULL THEN 1.0 END
            WHEN 'project' THEN CASE WHEN k.project IS NOT NULL THEN 1.0 END
            ELSE m.value
        END AS r_job,
        CASE WHEN $per = 'sweep' AND k.sweep IS NOT NULL
            THEN [k.source, group_store(k.source, k.src_file, k.cluster), k.project, k.sweep]
        END AS sweep_ident
    FROM summary_keyed k
    LEFT JOIN (
        SELECT uid, job_number(tags, $per) AS value  -- footprint/macros.sql
        FROM counted_jobs
        WHERE $per NOT IN ('run', 'gpu_hour', 'sweep', 'project')
    ) m ON m.uid = k.uid
),
grouped AS (
    SELECT
        COLUMNS('^group_'),
        count(*) AS jobs,
        CASE $per
            WHEN 'sweep' THEN count(DISTINCT sweep_ident)
            WHEN 'project' THEN count(DISTINCT project)
            ELSE fsum(r_job)
        END AS r,
        count(*) FILTER (WHERE r_job IS NULL) AS jobs_without_r,
        fsum(energy_kwh) AS e_kwh,
        fsum(co2e_kg) * 1000.0 AS o_g,
        fsum(embodied_kg) * 1000.0 AS m_g
    FROM valued
    GROUP BY ALL
)
SELECT
    COLUMNS('^group_'),
    CASE WHEN r > 0 THEN (o_g + m_g) / r END AS sci_g_per_unit,
    CAST($unit AS VARCHAR) AS unit,
    CAST(r AS DOUBLE) AS r,
    e_kwh,
    CASE WHEN e_kwh > 0 THEN o_g / e_kwh END AS i_g_per_kwh,
    o_g,
    m_g,
    jobs,
    jobs_without_r
FROM grouped;
