-- Appends the canonical rows of {{incoming}} (an importer's Arrow stream or view) to `jobs`
-- as ingest $ingest_id, before repeats and replaced rows are sorted out (store/ingest_dedupe.sql).
INSERT INTO jobs ({{columns}}, ingest_id)
SELECT {{columns}}, $ingest_id
FROM {{incoming}}
