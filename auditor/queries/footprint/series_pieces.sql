-- Creates the temp table `footprint_series_pieces`: the hours of footprint_series_hours that
-- hold more than one piece (a series of intervals shorter than an hour, or an interval
-- ending inside one), by their key k, with their pieces. Kept apart so that the lookups of
-- one-piece hours (every hour of an hourly series) carry no list (footprint/with_series.sql).
CREATE OR REPLACE TEMP TABLE footprint_series_pieces AS
SELECT k, pieces FROM footprint_series_hours WHERE n > 1;
