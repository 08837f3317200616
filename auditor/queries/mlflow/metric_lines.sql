-- Returns the lines of MLflow metric files (registered as `lines`: f = file index, then the
-- three text fields of "<timestamp ms> <value> <step>") typed, with bad = a field that is
-- not a number.
SELECT
    f,
    TRY_CAST(ts AS BIGINT) AS ts_ms,
    TRY_CAST(value AS DOUBLE) AS value,
    TRY_CAST(ts AS BIGINT) IS NULL
        OR TRY_CAST(value AS DOUBLE) IS NULL
        OR TRY_CAST(step AS BIGINT) IS NULL AS bad
FROM lines;
