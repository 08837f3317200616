-- Returns the earlier ingests' files of the same content (ingest_same_content, made by
-- store/ledger_same_content.sql): ingest, file, SHA-256, key options, when it finished.
FROM temp.ingest_same_content
