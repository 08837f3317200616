-- The ledger of ingests: what each read (file sizes and SHA-256 of their content), the
-- options that shape its job keys and grouping, and what a later ingest did to it; and the
-- rows an ingest displaced, so that forgetting it can put them back.
ALTER TABLE ingests ADD COLUMN file_bytes BIGINT[];
ALTER TABLE ingests ADD COLUMN file_sha256 VARCHAR[];
-- JSON: options a re-reading of the same content must share (zone, cluster, layout)
ALTER TABLE ingests ADD COLUMN key_options VARCHAR;
-- JSON: options that only change the rows' values (grouping, MLflow keys)
ALTER TABLE ingests ADD COLUMN row_options VARCHAR;
-- the ingest whose --replace swapped this one's jobs for its own reading
ALTER TABLE ingests ADD COLUMN superseded_by BIGINT;
-- ingests made before this migration deleted the rows they updated: those cannot come back
ALTER TABLE ingests ADD COLUMN kept_replaced BOOLEAN DEFAULT false;
ALTER TABLE ingests ALTER COLUMN kept_replaced SET DEFAULT true;

-- A job row as it was before ingest replaced_by updated or replaced it. A migration that
-- adds a column to jobs adds it here too (rows move between the two tables BY NAME).
-- A row the update left unchanged (a re-ingest of the same export) is kept narrow: unchanged
-- is true and only uid, ingest_id, src_file and src_line are set; its values are the replacing
-- ingest's version of the job.
CREATE TABLE jobs_replaced AS
SELECT *, CAST(NULL AS BIGINT) AS replaced_by, CAST(NULL AS BOOLEAN) AS unchanged
FROM jobs
LIMIT 0;
