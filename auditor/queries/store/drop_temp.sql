-- Drops the temp table {{table}} an ingest step made, if it is there.
DROP TABLE IF EXISTS temp.{{table}}
