-- Writes the rows of the table `lake_scratch.lake_rows` (lake/rows.sql) whose partition is in
-- the temp table `lake_changed` (cluster, year, month) as Hive-partitioned Parquet under $dir
-- (a literal: COPY takes no parameters), one directory per partition, sorted by uid; into a
-- directory that may hold other partitions already (lake.export writes one at a time).
COPY (
    SELECT r.*
    FROM lake_scratch.lake_rows r
    SEMI JOIN lake_changed c
        ON c.cluster = r.cluster AND c.year IS NOT DISTINCT FROM r.year
        AND c.month IS NOT DISTINCT FROM r.month
    ORDER BY r.uid
) TO $dir (FORMAT parquet, PARTITION_BY (cluster, year, month), COMPRESSION zstd,
    OVERWRITE_OR_IGNORE true);
