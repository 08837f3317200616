-- Returns one row per partition of the table `lake_scratch.lake_rows` (lake/rows.sql): cluster, year,
-- month, its rows and a hash of them (xor of each row's hash, so the order of rows does not
-- matter), which an incremental export compares with the lake's _schema.json.
SELECT
    cluster,
    year,
    month,
    count(*) AS rows,
    CAST(bit_xor(hash(r)) AS VARCHAR) AS rows_hash
FROM lake_scratch.lake_rows r
GROUP BY ALL
ORDER BY cluster, year NULLS FIRST, month NULLS FIRST;
