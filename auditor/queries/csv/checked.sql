-- Creates `csv_checked`: every row of `csv_rows` with its values parsed and `problem` / `problem_field` set
-- to the first thing wrong with it (the field is canonical; the caller names its column),
-- or NULL. Parameters: $tz (zone of times without an offset).
CREATE TEMP TABLE csv_checked AS
WITH parsed AS (
    SELECT
        *,
        csv_ts("start", $tz) AS start_in,
        csv_ts("end", $tz) AS end_in,
        CASE
            WHEN NOT csv_blank(duration_h) THEN 'duration_h'
            WHEN NOT csv_blank(duration_min) THEN 'duration_min'
            WHEN NOT csv_blank(duration_s) THEN 'duration_s'
        END AS dur_field,
        CASE
            WHEN NOT csv_blank(duration_h) THEN csv_dur(duration_h, 3600)
            WHEN NOT csv_blank(duration_min) THEN csv_dur(duration_min, 60)
            WHEN NOT csv_blank(duration_s) THEN csv_dur(duration_s, 1)
        END AS dur_in,
        CASE WHEN csv_blank(gpus) THEN 0.0 ELSE csv_num(gpus) END AS gpus_in,
        csv_num(cpus) AS cpus_in,
        csv_num(mem_gb) AS mem_in,
        csv_num(mem_req_gb) AS mem_req_in,
        csv_num(mem_used_gb) AS mem_used_in,
        csv_num(energy_kwh) AS kwh_in,
        csv_num(power_w) AS power_in,
        csv_num(gpu_util) AS util_pct_in,
        csv_num(gpu_util_fraction) AS util_frac_in,
        csv_num(gpu_mem_gb) AS gpu_mem_in,
        upper(split_part(trim(coalesce(state, '')), ' ', 1)) AS state_word
    FROM csv_rows
),
judged AS (
    SELECT
        *,
        state_word IN ('RUNNING', 'SUSPENDED', 'COMPLETING', 'CONFIGURING', 'RESIZING')
            OR (start_in IS NOT NULL AND csv_blank("end") AND dur_in IS NULL) AS running_in,
        CASE
            WHEN kind = 'codecarbon' AND csv_blank(gpus) AND NOT csv_blank(gpu_model)
                THEN ['gpus', 'gpu_count is empty but gpu_model names ''' || gpu_model
                      || ''': the GPU count is unknown']
            WHEN csv_blank(job_id) THEN ['job_id', 'the job id is empty']
            WHEN NOT csv_blank("start") AND start_in IS NULL
                THEN ['start', '''' || "start" || ''' is not a time']
            WHEN NOT csv_blank("end") AND end_in IS NULL
                THEN ['end', '''' || "end" || ''' is not a time']
            WHEN dur_field IS NOT NULL AND (dur_in IS NULL OR dur_in < 0 OR NOT isfinite(dur_in))
                THEN [dur_field, '''' || coalesce(duration_h, duration_min, duration_s, '')
                      || ''' is not a duration']
            WHEN gpus_in IS NULL OR gpus_in < 0
                THEN ['gpus', '''' || gpus || ''' is not a GPU count']
            WHEN NOT csv_blank(cpus) AND (cpus_in IS NULL OR cpus_in < 0)
                THEN ['cpus', '''' || cpus || ''' is not a CPU count']
            WHEN NOT csv_blank(mem_gb) AND (mem_in IS NULL OR mem_in < 0)
                THEN ['mem_gb', '''' || mem_gb || ''' is not a memory size in GB']
            WHEN NOT csv_blank(mem_req_gb) AND (mem_req_in IS NULL OR mem_req_in < 0)
                THEN ['mem_req_gb', '''' || mem_req_gb || ''' is not a memory size in GB']
            WHEN NOT csv_blank(mem_used_gb) AND (mem_used_in IS NULL OR mem_used_in < 0)
                THEN ['mem_used_gb', '''' || mem_used_gb || ''' is not a memory size in GB']
            WHEN NOT csv_blank(energy_kwh) AND (kwh_in IS NULL OR kwh_in < 0)
                THEN ['energy_kwh', '''' || energy_kwh || ''' is not an energy in kWh']
            WHEN NOT csv_blank(power_w) AND (power_in IS NULL OR power_in < 0)
                THEN ['power_w', '''' || power_w || ''' is not a power in W']
            WHEN NOT csv_blank(gpu_util) AND (util_pct_in IS NULL OR util_pct_in NOT BETWEEN 0 AND 100)
                THEN ['gpu_util', '''' || gpu_util || ''' is not a GPU utilisation in percent (0-100)']
            WHEN NOT csv_blank(gpu_util_fraction)
                 AND (util_frac_in IS NULL OR util_frac_in NOT BETWEEN 0 AND 1)
                THEN ['gpu_util_fraction', '''' || gpu_util_fraction
                      || ''' is not a GPU utilisation as a fraction (0-1)']
            WHEN NOT csv_blank(gpu_mem_gb) AND (gpu_mem_in IS NULL OR gpu_mem_in < 0)
                THEN ['gpu_mem_gb', '''' || gpu_mem_gb || ''' is not a GPU memory size in GiB']
            WHEN start_in IS NOT NULL AND end_in IS NOT NULL AND end_in < start_in
                THEN ['end', 'end ' || "end" || ' is before start ' || "start"]
            WHEN dur_in IS NULL AND (start_in IS NULL OR end_in IS NULL)
                 AND NOT (start_in IS NOT NULL AND csv_blank("end"))
                THEN [NULL, 'no duration: give start and end, or a duration']
        END AS why
    FROM parsed
)
SELECT
    -- the parsed values replace the text ones, except in problem rows' messages above
    * EXCLUDE (why, "start", "end", duration_h, duration_min, duration_s, gpus, cpus, mem_gb,
               mem_req_gb, mem_used_gb, state, energy_kwh, power_w, gpu_util, gpu_util_fraction, gpu_mem_gb, dur_field),
    why[1] AS problem_field,
    why[2] AS problem
FROM judged
