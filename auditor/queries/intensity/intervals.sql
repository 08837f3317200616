-- Creates `intervals`: every record of `parsed` as an interval [start_ts, end_ts): its own
-- end, or its start plus its group's interval of `spacing` (a calendar month or year).
CREATE OR REPLACE TEMP TABLE intervals AS
SELECT p.file, p.file_no, p.place, p.ord, p.zone, p.kind, p.basis, p.start_ts,
    CASE
        WHEN p.given_end_ts IS NOT NULL THEN p.given_end_ts
        WHEN s.rule = 'month' THEN p.start_ts + INTERVAL 1 MONTH
        WHEN s.rule = 'year' THEN p.start_ts + INTERVAL 1 YEAR
        ELSE p.start_ts + to_seconds(s.interval_s)
    END AS end_ts,
    p.g_per_kwh, p.estimated
FROM parsed p
LEFT JOIN spacing s ON s.file = p.file AND s.zone = p.zone AND s.kind = p.kind
    AND s.basis = p.basis AND p.given_end_ts IS NULL;
