-- Writes the temp table `lake_factor_classes` (lake/factor_classes.sql) to the Parquet file
-- $path (a literal: COPY takes no parameters), sorted so that the same classes give the
-- same file.
COPY (SELECT * FROM lake_factor_classes ORDER BY ALL) TO $path (FORMAT parquet, COMPRESSION zstd);
