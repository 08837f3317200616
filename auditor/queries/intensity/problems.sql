-- The first record of `points` (files in the order given, then by place) that cannot be
-- stored: file, place, and what is wrong with it and how to fix it.
SELECT file, place, problem
FROM (
    SELECT file, file_no, ord, place, CASE
        WHEN zone IS NULL OR zone = '' THEN 'no zone. Give the zone column a value, or use --zone'
        WHEN ts_text IS NULL OR ts_text = '' THEN 'no start time. Every record needs one'
        WHEN start_ts IS NULL THEN 'start time ''' || ts_text || ''' is not a date and time. Use ISO 8601, e.g. 2024-01-31T13:00:00Z'
        WHEN end_text IS NOT NULL AND given_end_ts IS NULL THEN 'end time ''' || end_text || ''' is not a date and time. Use ISO 8601, e.g. 2024-01-31T14:00:00Z'
        WHEN given_end_ts IS NOT NULL AND given_end_ts <= start_ts THEN 'end ' || end_text || ' is not after the start ' || ts_text || '. Fix the interval'
        WHEN value_text IS NULL OR value_text = '' THEN 'no intensity value. Fill it in or delete the record'
        WHEN g_per_kwh IS NULL THEN 'intensity ''' || value_text || ''' is not a number. Write it as a plain number, e.g. 212.5'
        WHEN g_per_kwh < 0 THEN 'intensity ' || value_text || ' is negative. An intensity is 0 or more: fix the value'
        WHEN isinf(g_per_kwh) OR isnan(g_per_kwh) THEN 'intensity ''' || value_text || ''' is not a finite number. Fix the value'
    END AS problem
    FROM points
)
WHERE problem IS NOT NULL
ORDER BY file_no, ord
LIMIT 1;
