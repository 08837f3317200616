-- Scalar macros for sacct's value formats (auditor.ingest.slurm defines them per import).
-- sacct_missing(s): sacct's words for "no value".
CREATE OR REPLACE MACRO sacct_missing(s) AS
    s IS NULL OR trim(s) IN ('', 'Unknown', 'None', 'N/A', 'INVALID', 'Partition_Limit', 'UNLIMITED');

-- sacct_ts(s, tz): a timestamp printed by sacct: epoch seconds (SLURM_TIME_FORMAT=%s, JSON),
-- ISO with an offset, or local ISO without one (read in zone tz). NULL for the missing words,
-- for epoch 0 (sacct's "not yet") and for a malformed value: sacct_ts_bad() tells them apart.
CREATE OR REPLACE MACRO sacct_ts(s, tz) AS coalesce(
    timezone(tz, try_strptime(s, ['%Y-%m-%dT%H:%M:%S', '%Y-%m-%d %H:%M:%S', '%Y-%m-%dT%H:%M:%S.%f'])),
    -- Epochs past the year 3000 are garbage, and to_timestamp raises on them. The cast is
    -- bound once (a repeated one would be hoisted out of coalesce and run on every row).
    list_transform([try_cast(s AS BIGINT)],
        lambda e: CASE WHEN e BETWEEN 1 AND 32503680000 THEN to_timestamp(e) END)[1],
    CASE WHEN regexp_matches(s, '^\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?\s*(Z|[+-]\d\d:?\d\d)$')
         THEN try_cast(s AS TIMESTAMPTZ) END
);

-- sacct_ts_bad(s, ts): s holds something, but not a time sacct_ts could read (JSON's 0 = none).
CREATE OR REPLACE MACRO sacct_ts_bad(s, ts) AS
    ts IS NULL AND NOT sacct_missing(s) AND trim(s) <> '0';

-- sacct_dur(s): seconds in "[D-][HH:]MM:SS[.mmm]" (two fields are MM:SS) or plain seconds.
-- The common "HH:MM:SS" is cast as an interval, which reads it alike and is much cheaper.
CREATE OR REPLACE MACRO sacct_dur(s) AS CASE
    WHEN regexp_full_match(s, '\d\d:\d\d:\d\d(\.\d+)?') THEN epoch(CAST(s AS INTERVAL))
    ELSE coalesce(
        try_cast(s AS DOUBLE),
        clock_seconds(
            CASE WHEN contains(s, '-') THEN split_part(s, '-', 1) END,
            string_split(CASE WHEN contains(s, '-') THEN split_part(s, '-', 2) ELSE s END, ':')))
END;

-- sacct_size(s, unit): a size with an optional binary suffix K/M/G/T/P (unit, one of those
-- letters, when none), as MaxRSS prints it. A macro repeats its argument's expression at each
-- use: pass a column, not an expression, where rows are many.
CREATE OR REPLACE MACRO sacct_size(s, unit) AS CASE
    WHEN strpos('KMGTPkmgtp', s[-1:]) > 0
        THEN try_cast(s[:-2] AS DOUBLE) * pow(1024, strpos('KMGTP', upper(s[-1:])))
    ELSE try_cast(s AS DOUBLE) * pow(1024, strpos('KMGTP', unit))
END;

-- sacct_bytes(s, unit): the same with an optional c or n (per CPU, per node) after it, as
-- ReqMem prints it.
CREATE OR REPLACE MACRO sacct_bytes(s, unit) AS sacct_size(rtrim(s, 'cn'), unit);

-- tres_value(tres, key): the value of key in a TRES string "cpu=8,mem=64G,gres/gpu=2", or NULL.
-- The text after the first ",key=" in ",tres", up to the next comma: what the regular
-- expression '(?:^|,)key=([^,]*)' extracts, at a third of its cost.
CREATE OR REPLACE MACRO tres_value(tres, key) AS
    nullif(split_part(split_part(',' || tres, ',' || key || '=', 2), ',', 1), '');

-- tres_gpus(tres): GPUs in a TRES string: gres/gpu=N, else the sum of gres/gpu:<type>=N.
-- A value that is not a number gives NaN, which callers report as a bad row.
CREATE OR REPLACE MACRO tres_gpu_typed(tres) AS
    CASE WHEN contains(tres, 'gres/gpu:')
         THEN regexp_extract_all(tres, '(?:^|,)gres/gpu:[^=,]+=([^,]*)', 1) END;
CREATE OR REPLACE MACRO tres_count(v) AS
    coalesce(try_cast(v AS DOUBLE), 'NaN'::DOUBLE);
CREATE OR REPLACE MACRO tres_gpus(tres) AS list_transform(
    -- bound once: a macro's argument is pasted in, and computed, at each use
    [tres_value(tres, 'gres/gpu')],
    lambda v: CASE
        WHEN v IS NOT NULL THEN tres_count(v)
        ELSE list_sum(list_transform(tres_gpu_typed(tres), lambda n: tres_count(n)))
    END)[1];
-- tres_gpu_type(tres): the GPU type named in a TRES string (gres/gpu:<type>=N); several
-- types as a list of models gpu_key reads ('gres/gpu:v100=1,gres/gpu:p100=2' -> '1*v100+2*p100'),
-- except MIG slices, whose job counts as slices of the first type named.
-- (the regular expression only where a type can be: many TRES strings name none)
CREATE OR REPLACE MACRO tres_gpu_type(tres) AS
    CASE WHEN contains(tres, 'gres/gpu:') THEN list_transform(
        [regexp_extract_all(tres, '(?:^|,)gres/gpu:([^=,]+=[^,]*)', 1)],
        lambda ps: CASE
            WHEN len(ps) = 0 THEN NULL
            WHEN len(ps) = 1 OR list_bool_or(list_transform(ps, lambda p: p ~ '[1-7]g\.\d+gb'))
                THEN nullif(split_part(ps[1], '=', 1), '')
            ELSE array_to_string(
                list_transform(ps, lambda p: split_part(p, '=', 2) || '*' || split_part(p, '=', 1)),
                '+')
        END)[1] END;

-- gres_gpus(s) / gres_gpu_type(s): the same from the pre-20.11 AllocGRES "gpu:2", "gpu:k80:2".
CREATE OR REPLACE MACRO gres_gpus(s) AS
    try_cast(nullif(regexp_extract(coalesce(s, ''), '(?:^|,)gpu(?::[^:,(]+)?:(\d+)', 1), '') AS DOUBLE);
CREATE OR REPLACE MACRO gres_gpu_type(s) AS
    nullif(regexp_extract(coalesce(s, ''), '(?:^|,)gpu:([^:,(]+):\d+', 1), '');

-- jnum(x): a JSON integer of any sacct --json version: plain, or {set, infinite, number}.
CREATE OR REPLACE MACRO jnum(x) AS CASE
    WHEN json_type(x) = 'OBJECT' THEN
        CASE WHEN coalesce(x ->> '$.set', 'false') = 'true'
                  AND coalesce(x ->> '$.infinite', 'false') = 'false'
             THEN x ->> '$.number' END
    ELSE x ->> '$'
END;

-- jlist(x): a JSON array as a list of JSON values; NULL for anything else (a fuzzed or
-- foreign document must not stop the whole read).
CREATE OR REPLACE MACRO jlist(x) AS
    CASE WHEN json_type(x) = 'ARRAY' THEN CAST(x AS JSON[]) END;

-- json_gres_text(x): the GRES of a JSON TRES list as sacct's text prints them
-- ("gres/gpumem=40777023488,gres/gpuutil=396"), or NULL.
CREATE OR REPLACE MACRO json_gres_text(x) AS nullif(array_to_string(list_transform(
    list_filter(jlist(x), lambda t: t ->> '$.type' = 'gres' AND jnum(t -> '$.count') IS NOT NULL),
    lambda t: 'gres/' || coalesce(t ->> '$.name', '') || '=' || jnum(t -> '$.count')), ','), '');

-- sacct_gpu_util(v): a gres/gpuutil value (a sum of per-GPU percentages), or NULL for what
-- is not one: not a number, negative, or sacct's no-value markers (2^32 - 2 and up), which
-- unsupported GPUs show.
CREATE OR REPLACE MACRO sacct_gpu_util(v) AS list_transform([try_cast(v AS DOUBLE)],
    lambda n: CASE WHEN n >= 0 AND n < 4294967294 THEN n END)[1];

-- sacct_gpu_mem(v): a gres/gpumem value in bytes (a bare number is bytes; a K/M/G/T suffix
-- is binary), or NULL: not a size, negative, or a no-value marker (2^63 and up).
CREATE OR REPLACE MACRO sacct_gpu_mem(v) AS list_transform([sacct_size(v, 'B')],
    lambda n: CASE WHEN n >= 0 AND n < 9223372036854775808 THEN n END)[1];
