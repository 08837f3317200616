-- Creates `ingest_displaced`: the stored rows of other ingests that ingest $ingest_id displaces: those whose uid it holds
-- again (updated), and with --replace those of the files it re-reads (ingest_same_content)
-- and the same jobs stored under a shifted Submit (ingest_shifted). One row each, by rowid.
CREATE TEMP TABLE ingest_displaced AS
SELECT j.rowid AS row_id,
    j.uid IN (SELECT uid FROM jobs WHERE ingest_id = $ingest_id) AS updated
FROM jobs j
WHERE j.ingest_id <> $ingest_id
    AND (
        j.uid IN (SELECT uid FROM jobs WHERE ingest_id = $ingest_id)
        OR EXISTS (
            SELECT 1 FROM ingest_same_content r
            WHERE r.ingest_id = j.ingest_id AND r.file = j.src_file
        )
        OR j.uid IN (SELECT old_uid FROM ingest_shifted)
    );
