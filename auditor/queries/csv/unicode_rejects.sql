-- Returns how many records the reader rejected for bytes that are not UTF-8.
SELECT count(*) FROM csv_rejects WHERE error_message ILIKE '%unicode%'
