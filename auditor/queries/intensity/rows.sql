-- The rows an intensity ingest hands to the store, in the columns of intensity_series
-- without ingest_id (and place: the line or JSON record, for errors); a repeated record
-- once. Unordered: the store needs no order, and a sort of every row would cost time.
SELECT zone, kind, basis, start_ts, end_ts, g_per_kwh, estimated, src_file, src_line, place
FROM series_rows
WHERE NOT repeated;
