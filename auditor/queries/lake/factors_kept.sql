-- Adds to the temp table `lake_factor_classes` (lake/factor_classes.sql) the rows of the
-- previous _factors.parquet at $path (a literal) whose partition is in the temp table
-- `lake_kept` (cluster, year, month): the partitions outside an export's window, left as
-- they were.
INSERT INTO lake_factor_classes BY NAME
SELECT f.*
FROM read_parquet($path) f
SEMI JOIN lake_kept k
    ON k.cluster = f.cluster AND k.year IS NOT DISTINCT FROM f.year
    AND k.month IS NOT DISTINCT FROM f.month;
