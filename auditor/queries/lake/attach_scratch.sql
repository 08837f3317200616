-- Attaches the database file $path (a literal: ATTACH takes no parameters) as `lake_scratch`,
-- writable even when the store is open read-only: lake/rows.sql writes the export's rows
-- there, so that DuckDB can move them out of memory.
ATTACH $path AS lake_scratch (READ_ONLY false);
