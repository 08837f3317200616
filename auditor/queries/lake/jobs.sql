-- Creates the temp view `lake_jobs`: every row of the lake's Parquet files under $glob (a
-- literal: a view takes no parameters), with the partition columns cluster (VARCHAR), year and
-- month (INTEGER) read from the Hive paths, typed so a cluster named `2024` stays text.
CREATE OR REPLACE TEMP VIEW lake_jobs AS
SELECT *
FROM read_parquet($glob, hive_partitioning = true,
    hive_types = {'cluster': VARCHAR, 'year': INTEGER, 'month': INTEGER});
