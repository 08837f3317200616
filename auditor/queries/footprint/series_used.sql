-- Returns one row, one column: whether a class of jobs takes a stored series
-- (footprint_series_classes); only then does the footprint look its jobs' runs up in it.
SELECT EXISTS (FROM footprint_series_classes);
