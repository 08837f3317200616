-- Returns the names of the tables of the current database's main schema.
SELECT table_name
FROM information_schema.tables
WHERE table_catalog = current_database() AND table_schema = 'main'
