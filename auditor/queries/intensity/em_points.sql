-- Adds to `points` the rows of an Electricity Maps download read as `csv_in`: the start
-- is `Datetime (UTC)`, the zone `Zone id` (or $zone when given), the value the column of
-- the basis $basis, estimated from `Data estimated` ($has_estimated false: NULL).
INSERT INTO points
SELECT *, $file_no, try_cast(ts_text AS TIMESTAMPTZ), try_cast(end_text AS TIMESTAMPTZ),
    try_cast(value_text AS DOUBLE) * g_per_unit
FROM (
SELECT
    $file, CAST(rowid + 2 AS VARCHAR), rowid + 2,
    coalesce($zone, trim({{zone}})),
    trim({{ts}}), NULL, trim({{value}}), 1.0,
    CASE WHEN $has_estimated THEN try_cast(lower(trim({{estimated}})) AS BOOLEAN) END,
    'average', $basis, NULL, $calendar
FROM csv_in
) AS recs(file, place, ord, zone, ts_text, end_text, value_text, g_per_unit, estimated, kind,
    basis, period_s, calendar);
