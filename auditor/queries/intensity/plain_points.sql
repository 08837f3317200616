-- Adds to `points` the rows of a plain `timestamp,zone,g_per_kwh[,end]` CSV read as
-- `csv_in` ($has_zone, $has_end false: those slots name another column and are not read;
-- the zone is then $zone).
INSERT INTO points
SELECT
    $file, CAST(rowid + 2 AS VARCHAR), rowid + 2,
    coalesce($zone, CASE WHEN $has_zone THEN trim({{zone}}) END),
    trim({{ts}}), CASE WHEN $has_end THEN trim({{end_ts}}) END, trim({{value}}), 1.0,
    NULL, $kind, $basis, NULL, $calendar
FROM csv_in;
