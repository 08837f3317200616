-- Drops the narrow rows store/forget_materialize.sql has just copied whole.
DELETE FROM jobs_replaced
WHERE replaced_by = $ingest_id
    AND unchanged
    AND uid IN (
        SELECT uid FROM jobs_replaced WHERE replaced_by = $ingest_id AND NOT unchanged
    );
