-- Returns the id the next ingest is stored under.
SELECT nextval('ingest_seq')
