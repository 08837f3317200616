-- Creates `slurm_jobstats_payloads`: the Princeton jobstats summaries ('JS1:' + base64 of
-- gzipped JSON) of the allocations in `slurm_row_keys` without a problem, numbered from 0 in
-- row order (idx), each as gzip members ready to be joined into one file after a member
-- holding 'J': the payload decoded, then $after (a member holding a newline and 'J'), so that
-- the file's lines are 'J' and each summary, in order, and a last 'J'
-- (slurm/jobstats_read.sql). A payload that is not base64 of gzip data gets its problem and
-- $after alone, and so keeps its line.
CREATE TEMP TABLE slurm_jobstats_payloads AS
SELECT
    row_number() OVER (ORDER BY row_key) - 1 AS idx,
    row_key,
    problem,
    CASE WHEN problem IS NULL THEN from_base64(payload) || $after ELSE $after END AS member
FROM (
    SELECT
        row_key,
        payload,
        CASE
            WHEN length(payload) % 4 <> 0
                 OR NOT regexp_full_match(payload, '[A-Za-z0-9+/]*={0,2}')
                THEN 'the text after JS1: is not base64'
            -- gzip's magic number and deflate method, 1f 8b 08, in base64
            WHEN NOT starts_with(payload, 'H4sI') THEN 'its base64 does not hold gzip data'
        END AS problem
    FROM (
        SELECT row_key, substr(jobstats, 5) AS payload
        FROM slurm_row_keys
        WHERE jobstats IS NOT NULL AND problem IS NULL
    )
)
