-- Returns, for each Parquet file under $dir (a literal, lake/write.sql's output), the
-- partition it holds (cluster, year, month) and its path, to map partitions to directories.
SELECT DISTINCT cluster, year, month, filename
FROM read_parquet($dir || '/**/*.parquet', hive_partitioning = true, filename = true,
    hive_types = {'cluster': VARCHAR, 'year': INTEGER, 'month': INTEGER})
ORDER BY filename;
