-- Adds to `points` the rows of a CSV the WattTime client writes (point_time, value, ...)
-- read as `csv_in`: zone $zone, values in lbs/MWh ($g_per_unit g/kWh each).
INSERT INTO points
SELECT *, $file_no, try_cast(ts_text AS TIMESTAMPTZ), try_cast(end_text AS TIMESTAMPTZ),
    try_cast(value_text AS DOUBLE) * g_per_unit
FROM (
SELECT
    $file, CAST(rowid + 2 AS VARCHAR), rowid + 2, $zone,
    trim({{ts}}), NULL, trim({{value}}), $g_per_unit,
    NULL, $kind, $basis, NULL, $calendar
FROM csv_in
) AS recs(file, place, ord, zone, ts_text, end_text, value_text, g_per_unit, estimated, kind,
    basis, period_s, calendar);
