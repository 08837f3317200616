-- Adds to `points` the rows of a plain `timestamp,zone,g_per_kwh[,end]` CSV read as
-- `csv_in` ($has_zone, $has_end false: those slots name another column and are not read;
-- the zone is then $zone).
INSERT INTO points
SELECT *, $file_no, try_cast(ts_text AS TIMESTAMPTZ), try_cast(end_text AS TIMESTAMPTZ),
    try_cast(value_text AS DOUBLE) * g_per_unit
FROM (
SELECT
    $file, CAST(rowid + 2 AS VARCHAR), rowid + 2,
    coalesce($zone, CASE WHEN $has_zone THEN trim({{zone}}) END),
    trim({{ts}}), CASE WHEN $has_end THEN trim({{end_ts}}) END, trim({{value}}), 1.0,
    NULL, $kind, $basis, NULL, $calendar
FROM csv_in
) AS recs(file, place, ord, zone, ts_text, end_text, value_text, g_per_unit, estimated, kind,
    basis, period_s, calendar);
