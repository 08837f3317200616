-- Creates `series_rows`: every record of `points` as an interval [start_ts, end_ts): its
-- own end, or its start plus its group's interval of `spacing` (a calendar month or year).
-- A record that repeats the start of one before it in its series (files in the order
-- given, then by place) is `repeated`: with the same value and end, an overlapping download,
-- stored once; else refused (intensity/duplicates.sql). Before intensity/spacing_problem.sql
-- is checked, a group of one start may have no end yet. With, per series in time order,
-- the record before (start, end, place: intensity/overlaps.sql) and the next start
-- (intensity/gaps.sql): one sort for all.
CREATE OR REPLACE TEMP TABLE series_rows AS
WITH ends AS (
    SELECT p.file, p.file_no, p.place, p.ord, p.zone, p.kind, p.basis, p.start_ts,
        CASE
            WHEN p.given_end_ts IS NOT NULL THEN p.given_end_ts
            WHEN s.rule = 'month' THEN p.start_ts + INTERVAL 1 MONTH
            WHEN s.rule = 'year' THEN p.start_ts + INTERVAL 1 YEAR
            ELSE make_timestamptz(epoch_us(p.start_ts) + s.interval_us)
        END AS end_ts,
        p.g_per_kwh, p.estimated
    FROM points p
    LEFT JOIN spacing s ON s.file_no = p.file_no AND s.zone = p.zone
        AND p.given_end_ts IS NULL
)
SELECT zone, kind, basis, start_ts, end_ts, g_per_kwh, estimated, file AS src_file,
    ord AS src_line, place, file_no,
    coalesce(lag(start_ts) OVER w = start_ts, false) AS repeated,
    lag(start_ts) OVER w AS prev_start,
    lag(end_ts) OVER w AS prev_end,
    lag(g_per_kwh) OVER w AS prev_g_per_kwh,
    lag(file) OVER w AS prev_file,
    lag(place) OVER w AS prev_place,
    lead(start_ts) OVER w AS next_start
FROM ends
WINDOW w AS (PARTITION BY zone, kind, basis ORDER BY start_ts, file_no, ord);
