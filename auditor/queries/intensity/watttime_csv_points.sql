-- Adds to `points` the rows of a CSV the WattTime client writes (point_time, value, ...)
-- read as `csv_in`: zone $zone, values in lbs/MWh ($g_per_unit g/kWh each).
INSERT INTO points
SELECT
    $file, CAST(rowid + 2 AS VARCHAR), rowid + 2, $zone,
    trim({{ts}}), NULL, trim({{value}}), $g_per_unit,
    NULL, $kind, $basis, NULL, $calendar
FROM csv_in;
