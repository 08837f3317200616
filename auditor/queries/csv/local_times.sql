-- Returns how many of the first rows of `csv_rows` hold a time without an offset (read in
-- the --tz zone); 0 when times are epoch seconds, carry an offset, or are missing.
SELECT count(*)
FROM (SELECT "start", "end" FROM csv_rows LIMIT 100000)
WHERE csv_ts_local("start") OR csv_ts_local("end")
