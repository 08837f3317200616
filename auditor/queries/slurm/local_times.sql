-- Returns how many of the first rows of `sacct_rows` hold a time without an offset (read in
-- the --tz zone); 0 when times are epoch seconds, carry an offset, or are missing.
SELECT count(*)
FROM (SELECT "submit", "start", "end" FROM sacct_rows LIMIT 100000)
WHERE regexp_full_match(coalesce("start", ''), '\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?')
   OR regexp_full_match(coalesce("submit", ''), '\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?')
   OR regexp_full_match(coalesce("end", ''), '\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?')
