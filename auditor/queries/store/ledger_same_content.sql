-- Creates `ingest_same_content`: the files of earlier ingests (not $ingest_id) that hold the same content as one this
-- ingest reads (SHA-256 in $sha256; for MLflow, the same tracking store in $files) and still
-- contribute stored jobs: one row per (ingest, file), oldest first.
CREATE TEMP TABLE ingest_same_content AS
WITH files AS (
    SELECT ingest_id, source, key_options, finished_at,
        unnest(files) AS file, unnest(file_sha256) AS sha256
    FROM ingests
    WHERE ingest_id <> $ingest_id
)
SELECT f.ingest_id, f.file, f.sha256, f.key_options,
    strftime(f.finished_at AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M UTC') AS finished
FROM files f
WHERE (list_contains(CAST($sha256 AS VARCHAR[]), f.sha256)
        OR (f.source = 'mlflow' AND $source = 'mlflow' AND list_contains(CAST($files AS VARCHAR[]), f.file)))
    AND EXISTS (SELECT 1 FROM jobs j WHERE j.ingest_id = f.ingest_id AND j.src_file = f.file)
ORDER BY f.ingest_id, f.file;
