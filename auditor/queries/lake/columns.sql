-- Returns each column of the table `lake_scratch.lake_rows` (lake/rows.sql) in order: name and
-- DuckDB type, for the lake's _schema.json.
SELECT column_name, data_type
FROM duckdb_columns()
WHERE table_name = 'lake_rows' AND database_name = 'lake_scratch'
ORDER BY column_index;
