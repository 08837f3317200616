-- Creates `slurm_jobstats`: per jobstats summary of `slurm_jobstats_payloads` (by row_key),
-- what is wrong with it, or the job's mean GPU utilisation (a fraction: the mean over all
-- GPUs of all nodes of gpu_utilization, a time average in %) and its GPU memory (the sum of
-- gpu_used_memory, each GPU's largest, in bytes). MIG nodes have no gpu_utilization: then
-- no mean. Its line is 'J' and the summary (slurm/jobstats_payloads.sql).
CREATE TEMP TABLE slurm_jobstats AS
WITH docs AS (
    SELECT
        p.row_key,
        p.problem AS payload_problem,
        l.line IS NULL OR NOT starts_with(l.line, 'J') AS unread,
        CASE WHEN json_valid(l.line[2:]) THEN CAST(l.line[2:] AS JSON) END AS doc
    FROM slurm_jobstats_payloads p
    LEFT JOIN slurm_jobstats_lines l USING (idx)
),
shaped AS (
    SELECT
        *,
        coalesce(json_type(doc) = 'OBJECT' AND json_type(doc, '$.nodes') = 'OBJECT', false)
            AS nodes_ok
    FROM docs
),
figures AS (
    SELECT
        *,
        CASE WHEN nodes_ok THEN json_extract(doc, '$.nodes.*.gpu_utilization.*') END AS utils,
        CASE WHEN nodes_ok THEN json_extract(doc, '$.nodes.*.gpu_used_memory.*') END AS mems
    FROM shaped
),
numbers AS (
    SELECT
        *,
        list_transform(utils, lambda u: CASE
            WHEN json_type(u) IN ('DOUBLE', 'BIGINT', 'UBIGINT')
            THEN CAST(u AS DOUBLE) END) AS util_pct,
        list_transform(mems, lambda m: CASE
            WHEN json_type(m) IN ('DOUBLE', 'BIGINT', 'UBIGINT')
            THEN CAST(m AS DOUBLE) END) AS mem_bytes
    FROM figures
)
SELECT
    row_key,
    CASE
        WHEN payload_problem IS NOT NULL THEN payload_problem
        WHEN unread THEN 'its gzip data is damaged or does not hold one line of UTF-8 text'
        WHEN doc IS NULL THEN 'its gzip data does not hold JSON'
        WHEN NOT nodes_ok THEN 'its JSON has no "nodes" object'
        WHEN NOT list_bool_and(list_transform(util_pct, lambda u: coalesce(u BETWEEN 0 AND 100, false)))
            THEN 'a gpu_utilization is not a percentage'
        WHEN NOT list_bool_and(list_transform(mem_bytes, lambda m: coalesce(m >= 0, false)))
            THEN 'a gpu_used_memory is not a number of bytes'
    END AS problem,
    CASE WHEN len(util_pct) > 0 THEN list_avg(util_pct) / 100 END AS gpu_util,
    CASE WHEN len(mem_bytes) > 0 THEN list_sum(mem_bytes) END AS gpu_mem_bytes
FROM numbers
