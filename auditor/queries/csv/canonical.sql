-- Creates the temp view `csv_jobs`: canonical job rows (auditor.schema.JOB_SCHEMA columns) from `csv_checked` (see
-- csv/checked.sql), leaving out rows with a problem. The one row of `csv_options` holds
-- --cluster and --project (or NULLs): a view takes no parameters. The uid is
-- csv:IDENTITY:JOB_ID, IDENTITY being --cluster, else the row's cluster column, else the
-- file's name; a log without job ids uses FILE:LINE as id. GPU utilisation is read as
-- percent, or as a fraction from a column named so; each GPU-use figure names its column.
CREATE TEMP VIEW csv_jobs AS
SELECT
    'csv:' || coalesce(o.cluster, nullif(trim(c.cluster), ''), identity) || ':' || trim(job_id)
        AS uid,
    CASE WHEN kind = 'codecarbon' THEN 'codecarbon' ELSE 'csv' END AS source,
    coalesce(o.cluster, nullif(trim(c.cluster), ''), 'default') AS cluster,
    trim(job_id) AS job_id,
    trim(job_id) AS run,
    nullif(trim(name), '') AS name,
    nullif(trim("user"), '') AS user_name,
    CAST(NULL AS VARCHAR) AS account,
    nullif(trim(partition), '') AS partition,
    coalesce(o.project, nullif(trim(c.project), ''), '(none)') AS project,
    coalesce(nullif(trim(sweep), ''), '(none)') AS sweep,
    nullif(state_word, '') AS state,
    CAST(NULL AS TIMESTAMPTZ) AS submit_ts,
    coalesce(start_in, end_in - to_seconds(dur_in)) AS start_ts,
    coalesce(end_in, CASE WHEN NOT running_in THEN start_in + to_seconds(dur_in) END) AS end_ts,
    coalesce(dur_in, epoch(end_in) - epoch(start_in), 0.0) AS elapsed_s,
    running_in AS running,
    gpus_in AS gpus,
    g.gpu_key AS gpu_model,
    cpus_in AS cpus,
    mem_in AS mem_gb,
    mem_req_in AS mem_req_gb,
    CAST(NULL AS BIGINT) AS nodes,
    kwh_in * 3600000.0 AS energy_j,
    power_in AS power_w,
    CAST(NULL AS DOUBLE) AS cpu_util,
    coalesce(util_pct_in / 100.0, util_frac_in) AS gpu_util,
    mem_used_in AS max_rss_gb,
    CAST(NULL AS DOUBLE) AS gpu_util_peak,
    gpu_mem_in AS gpu_mem_gb,
    CASE
        WHEN util_pct_in IS NOT NULL THEN 'csv ' || gpu_util_col
        WHEN util_frac_in IS NOT NULL THEN 'csv ' || gpu_util_fraction_col
    END AS gpu_util_from,
    CAST(NULL AS VARCHAR) AS gpu_peak_from,
    CASE WHEN gpu_mem_in IS NOT NULL THEN 'csv ' || gpu_mem_gb_col END AS gpu_mem_from,
    nullif(trim(grid), '') AS grid,
    tags,
    file AS src_file,
    line AS src_line
FROM csv_checked c
CROSS JOIN csv_options o
-- gpu_key is costly: once per distinct spelling, not once per row
LEFT JOIN (
    SELECT spelling, gpu_key(spelling) AS gpu_key
    FROM (SELECT DISTINCT gpu_model AS spelling FROM csv_checked)
) g ON g.spelling = c.gpu_model
WHERE problem IS NULL
