-- The first group of `spacing` whose interval cannot be told (one start, nothing in the
-- file's name) or whose starts are irregular, with the file and place of the record at
-- fault (of its first record when one start is all it has); the interval in seconds.
WITH bad AS (
    SELECT * FROM spacing
    WHERE rule IS NULL OR (rule = 'fixed' AND coalesce(interval_us, 0) <= 0)
        OR irregular_at IS NOT NULL
),
placed AS (
    SELECT b.*, p.file, p.place, p.ord
    FROM bad b
    JOIN points p ON p.file_no = b.file_no AND p.zone = b.zone AND p.given_end_ts IS NULL
        AND (p.start_ts = b.irregular_at OR b.irregular_at IS NULL)
)
SELECT file, place, zone, rule, interval_us / 1000000 AS interval_s,
    strftime(irregular_at AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M:%S') AS irregular_at
FROM placed
ORDER BY file_no, ord
LIMIT 1;
