-- Creates the temp table `footprint_series_hours`: each series that footprint_series_classes
-- uses (series_id) cut into the UTC hours from the one before its first to one past its
-- last: per hour h (epoch microseconds // 3,600,000,000), the parts of its intervals inside
-- the hour (s, e in epoch microseconds, g in g CO2e/kWh): n of them (0 in a gap), one_s,
-- one_e, one_g where n is 1 (every hour of an hourly series: its lookups walk no list), else
-- pieces; and what the series holds before the hour: cum_g_s, its integral over time
-- (g CO2e/kWh x seconds), and cum_us, the microseconds it covers. The hour before the first
-- holds nothing, the hour past the last the whole series' sums. k numbers the rows densely,
-- each series' hours in turn; row k 0 (no series) holds nothing. Any interval length works
-- (5 minutes, half-hours, a day); a job's run looks up the hours of its start and end by k
-- (footprint/series_span.sql, footprint/with_series.sql), so no job is expanded into hours.
CREATE OR REPLACE TEMP TABLE footprint_series_hours AS
WITH intervals AS (
    SELECT
        c.series_id, epoch_us(i.start_ts) AS s, epoch_us(i.end_ts) AS e, i.g_per_kwh AS g
    FROM intensity_series i
    JOIN (
        SELECT DISTINCT series_id, zone_norm, series_kind, series_basis
        FROM footprint_series_classes
    ) c
        ON lower(trim(i.zone)) = c.zone_norm AND i.kind = c.series_kind
        AND i.basis = c.series_basis
),
cut AS (
    SELECT series_id, unnest(range(s // 3600000000, (e - 1) // 3600000000 + 1)) AS h, s, e, g
    FROM intervals
),
hours AS (
    SELECT
        series_id, h,
        sum(g * (least(e, (h + 1) * 3600000000) - greatest(s, h * 3600000000)) / 1e6) AS g_s,
        sum(least(e, (h + 1) * 3600000000) - greatest(s, h * 3600000000)) AS us,
        count(*) AS n,
        any_value(greatest(s, h * 3600000000)) AS one_s,
        any_value(least(e, (h + 1) * 3600000000)) AS one_e,
        any_value(g) AS one_g
    FROM cut
    GROUP BY series_id, h
),
-- the pieces of the hours that hold more than one (none in an hourly series)
pieces AS (
    SELECT
        c.series_id, c.h,
        list({
            's': greatest(c.s, c.h * 3600000000), 'e': least(c.e, (c.h + 1) * 3600000000),
            'g': c.g
        } ORDER BY c.s) AS pieces
    FROM cut c
    SEMI JOIN (SELECT series_id, h FROM hours WHERE n > 1) m
        ON m.series_id = c.series_id AND m.h = c.h
    GROUP BY c.series_id, c.h
),
every AS (
    SELECT series_id, unnest(range(min(h), max(h) + 2)) AS h FROM hours GROUP BY series_id
),
summed AS (
    SELECT
        v.series_id, v.h, coalesce(x.n, 0) AS n,
        CASE WHEN x.n = 1 THEN x.one_s END AS one_s,
        CASE WHEN x.n = 1 THEN x.one_e END AS one_e,
        CASE WHEN x.n = 1 THEN x.one_g END AS one_g,
        p.pieces,
        coalesce(sum(x.g_s) OVER before, 0) AS cum_g_s,
        CAST(coalesce(sum(x.us) OVER before, 0) AS BIGINT) AS cum_us
    FROM every v
    LEFT JOIN hours x ON x.series_id = v.series_id AND x.h = v.h
    LEFT JOIN pieces p ON p.series_id = v.series_id AND p.h = v.h
    WINDOW before AS (
        PARTITION BY v.series_id ORDER BY v.h ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
    )
),
-- the hour before each series' first: what an instant before the series looks up
framed AS (
    SELECT * FROM summed
    UNION ALL
    SELECT series_id, min(h) - 1, 0, NULL, NULL, NULL, NULL, 0.0, 0 FROM summed GROUP BY series_id
)
SELECT row_number() OVER (ORDER BY series_id, h) AS k, * FROM framed
UNION ALL
-- k 0: what a job that takes no series, or never started, looks up
SELECT 0, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0.0, 0;
