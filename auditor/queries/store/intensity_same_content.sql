-- The files of earlier intensity ingests in force (not $ingest_id) with the same content
-- (SHA-256 in $sha256) and options ($key_options, JSON) as one this ingest reads, whose
-- intervals are all still stored: reading them again would change nothing.
WITH files AS (
    SELECT ingest_id, key_options, jobs_added, unnest(files) AS file,
        unnest(file_sha256) AS sha256
    FROM ingests
    WHERE source = 'intensity' AND ingest_id <> $ingest_id AND superseded_by IS NULL
),
kept AS (
    SELECT ingest_id, count(*) AS intervals FROM intensity_series GROUP BY ingest_id
)
SELECT f.sha256, min(f.ingest_id) AS ingest_id, arg_min(f.file, f.ingest_id) AS file
FROM files f
JOIN kept k ON k.ingest_id = f.ingest_id AND k.intervals = f.jobs_added
WHERE list_contains(CAST($sha256 AS VARCHAR[]), f.sha256)
    AND f.key_options = $key_options
GROUP BY f.sha256;
