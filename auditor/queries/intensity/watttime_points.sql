-- Adds to `points` the records of WattTime's /v3/historical JSON in `json_in`: one per
-- data[i] (place data[i], 0-based as in the JSON; ord i + 1), zone $zone, values times
-- $g_per_unit, points $period_s seconds apart when meta says so.
INSERT INTO points
WITH recs AS (
    SELECT
        unnest(json_extract(doc, '$.data[*]')) AS r,
        generate_subscripts(json_extract(doc, '$.data[*]'), 1) AS i
    FROM json_in
)
SELECT
    $file, 'data[' || (i - 1) || ']', i, $zone,
    r->>'point_time', NULL, r->>'value', $g_per_unit,
    NULL, $kind, $basis, $period_s, NULL
FROM recs;
