-- Drops the kept copies of the rows store/forget_restore.sql put back.
DELETE FROM jobs_replaced WHERE replaced_by = $ingest_id;
