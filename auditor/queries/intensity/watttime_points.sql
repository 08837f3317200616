-- Adds to `points` the records of WattTime's /v3/historical JSON in `json_in`: one per
-- data[i] (place data[i], 0-based as in the JSON; ord i + 1), zone $zone, values times
-- $g_per_unit, points $period_s seconds apart when meta says so. from_json parses the
-- document once into typed lists (json_extract per record would parse it per path).
INSERT INTO points
SELECT *, $file_no, try_cast(ts_text AS TIMESTAMPTZ), try_cast(end_text AS TIMESTAMPTZ),
    try_cast(value_text AS DOUBLE) * g_per_unit
FROM (
WITH doc AS (
    SELECT from_json(doc, '{"data": [{"point_time": "VARCHAR", "value": "VARCHAR"}]}').data AS data
    FROM json_in
),
recs AS (
    SELECT unnest(data) AS r, generate_subscripts(data, 1) AS i FROM doc
)
SELECT
    $file, 'data[' || (i - 1) || ']', i, $zone,
    r.point_time, NULL, r.value, $g_per_unit,
    NULL, $kind, $basis, $period_s, NULL
FROM recs
) AS recs(file, place, ord, zone, ts_text, end_text, value_text, g_per_unit, estimated, kind,
    basis, period_s, calendar);
