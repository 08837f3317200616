-- Creates the temp view `lake_factors`: the rows of a lake's _factors.parquet at $path (a
-- literal: a view takes no parameters), the factor classes a report over the lake prints
-- (lake/report_classes.sql).
CREATE OR REPLACE TEMP VIEW lake_factors AS
SELECT *
FROM read_parquet($path);
