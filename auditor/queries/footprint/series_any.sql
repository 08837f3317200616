-- Returns one row, one column: whether any grid intensity series is stored
-- (intensity_series, auditor ingest intensity). Without one the footprint takes no series
-- step at all.
SELECT EXISTS (FROM intensity_series);
