-- Appends to `csv_rows` the records of one CSV file read as `csv_data` (columns c1, c2 ...,
-- all text), each field from its column: $at_<field> is the column's position, 0 when the
-- file has none (v[0] is NULL). A record's line is $first + its number when $simple (one
-- record a line), else its line in `csv_line_map` (NULL when unknown: then errors name the
-- record). A file without job ids uses $name_prefix and the line. A codecarbon file
-- ($kind) keeps its default project ($default_project: the file's folder, $folder, instead)
-- and experiment ($default_experiment) as absent, counts GPUs by gpu_model where gpu_count
-- is empty, and takes its grid from the columns at $at_cloud_provider, $at_cloud_region
-- and $at_country_iso_code. Columns no field reads are tags, named $tag_names, at $tag_at.
-- $name_<field> is the header name of a GPU-use field's column (NULL when the file has none).
INSERT INTO csv_rows BY NAME
WITH records AS (
    SELECT
        d.k,
        CASE WHEN $simple THEN $first + d.k ELSE m.line END AS line,
        d.v
    FROM (SELECT rowid + 1 AS k, [*COLUMNS(*)] AS v FROM csv_data) d
    LEFT JOIN csv_line_map m ON m.k = d.k
),
fields AS (
    SELECT
        k,
        line,
        v,
        v[$at_job_id] AS job_id,
        v[$at_name] AS name,
        v[$at_project] AS project,
        v[$at_sweep] AS sweep,
        v[$at_user] AS "user",
        v[$at_partition] AS partition,
        v[$at_start] AS "start",
        v[$at_end] AS "end",
        v[$at_duration_h] AS duration_h,
        v[$at_duration_min] AS duration_min,
        v[$at_duration_s] AS duration_s,
        v[$at_gpus] AS gpus,
        v[$at_gpu_model] AS gpu_model,
        v[$at_cpus] AS cpus,
        v[$at_mem_gb] AS mem_gb,
        v[$at_mem_req_gb] AS mem_req_gb,
        v[$at_mem_used_gb] AS mem_used_gb,
        v[$at_state] AS state,
        v[$at_energy_kwh] AS energy_kwh,
        v[$at_power_w] AS power_w,
        v[$at_cluster] AS cluster,
        v[$at_grid] AS grid,
        v[$at_gpu_util] AS gpu_util,
        v[$at_gpu_util_fraction] AS gpu_util_fraction,
        v[$at_gpu_mem_gb] AS gpu_mem_gb
    FROM records
),
codecarbon AS (
    SELECT
        *,
        $kind = 'codecarbon' AS is_codecarbon,
        nullif(trim(v[$at_cloud_provider]), '') AS cloud_provider,
        nullif(trim(v[$at_cloud_region]), '') AS cloud_region,
        nullif(trim(v[$at_country_iso_code]), '') AS country_iso_code
    FROM fields
)
SELECT
    $file AS file,
    $file_order AS file_order,
    k AS rec,
    line,
    coalesce(CAST(line AS VARCHAR), 'record ' || k) AS loc,
    $kind AS kind,
    $identity AS identity,
    CASE WHEN $at_job_id = 0 THEN $name_prefix || CAST(coalesce(line, k) AS VARCHAR) ELSE job_id END
        AS job_id,
    name,
    "user",
    partition,
    "start",
    "end",
    duration_h,
    duration_min,
    duration_s,
    gpu_model,
    cpus,
    mem_gb,
    mem_req_gb,
    mem_used_gb,
    state,
    energy_kwh,
    power_w,
    cluster,
    gpu_util,
    gpu_util_fraction,
    gpu_mem_gb,
    CAST($name_gpu_util AS VARCHAR) AS gpu_util_col,
    CAST($name_gpu_util_fraction AS VARCHAR) AS gpu_util_fraction_col,
    CAST($name_gpu_mem_gb AS VARCHAR) AS gpu_mem_gb_col,
    CASE
        WHEN NOT is_codecarbon THEN project
        WHEN coalesce(trim(project), '') IN ('', $default_project) THEN $folder
        ELSE project
    END AS project,
    CASE
        WHEN NOT is_codecarbon THEN sweep
        WHEN trim(sweep) <> $default_experiment THEN sweep
    END AS sweep,
    -- an empty gpu_count with no gpu_model is a CPU-only run; "2 x NVIDIA ..." counts, and
    -- "1 x NVIDIA A1 x NVIDIA B" counts its cards (gpu_card_count, store/macros.sql)
    CASE
        WHEN NOT is_codecarbon OR $at_gpus = 0 THEN gpus
        ELSE coalesce(
            nullif(trim(gpus), ''),
            CAST(gpu_card_count(gpu_model) AS VARCHAR),
            CASE WHEN nullif(trim(gpu_model), '') IS NULL THEN '0' END)
    END AS gpus,
    -- a cloud region when the run was on a cloud, else the country (ISO 3166 alpha-3)
    CASE
        WHEN NOT is_codecarbon THEN grid
        WHEN cloud_provider IS NOT NULL AND cloud_region IS NOT NULL
            THEN lower(cloud_provider) || ':' || lower(cloud_region)
        ELSE country_iso_code
    END AS grid,
    map_from_entries(list_filter(
        list_concat(
            list_transform(
                range(1, len(CAST($tag_names AS VARCHAR[])) + 1),
                lambda i: {'k': CAST($tag_names AS VARCHAR[])[i], 'v': nullif(v[CAST($tag_at AS INTEGER[])[i]], '')}),
            [{'k': 'energy_scope',
              'v': CASE WHEN is_codecarbon AND nullif(trim(energy_kwh), '') IS NOT NULL
                        THEN 'job' END}]),
        lambda e: e.v IS NOT NULL)) AS tags
FROM codecarbon
