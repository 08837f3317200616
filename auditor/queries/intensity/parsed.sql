-- Creates `parsed`: `points` with the start, end (UTC: a time without an offset is read as
-- UTC) and g_per_kwh cast; NULL where the text does not parse (intensity/problems.sql says
-- which). file_no orders the files as given ($files).
CREATE OR REPLACE TEMP TABLE parsed AS
SELECT
    *,
    list_position(CAST($files AS VARCHAR[]), file) AS file_no,
    try_cast(ts_text AS TIMESTAMPTZ) AS start_ts,
    try_cast(end_text AS TIMESTAMPTZ) AS given_end_ts,
    try_cast(value_text AS DOUBLE) * g_per_unit AS g_per_kwh
FROM points;
