-- Creates the temp view `footprint_series_jobs` that footprint/job.sql reads: the view
-- `footprint_jobs` with, for each job whose class takes a stored series
-- (footprint_series_span) and that started, the series (series_zone, series_kind,
-- series_basis) and how it covers the run [start_ts, start_ts + elapsed_s): series_g_s, the
-- integral of the series over the covered part (g CO2e/kWh x seconds), series_covered_us and
-- run_us (microseconds); NULL for the other jobs. A running job's run ends where its log last
-- saw it.
-- Two lookups per job, of the hour of its start and of its end in footprint_series_hours by
-- its key (footprint/series_span.sql says which): the integral up to an instant t is that
-- hour's cum_g_s plus each piece's value times its part before t (one piece, as in most
-- hours: no list to walk); the run's is the one at its end minus the one at its start.
-- Covered time the same way. Every job finds its two rows (a job that takes no series, key
-- 0), so the joins are inner: on a dense integer key DuckDB looks the rows up in an array
-- (a left join, or a key of two columns, probes a hash table: several times slower). The
-- class's span is a left join although every class has one: DuckDB estimates a join on
-- five keys at about one row, and after an inner one it would build the lookups' hash
-- tables on the jobs. A view: a query that reads no series column does no lookup.
CREATE OR REPLACE TEMP VIEW footprint_series_jobs AS
WITH runs AS (
    SELECT
        j.*,
        CASE WHEN j.start_ts IS NOT NULL THEN p.series_id END AS series_id,
        CASE WHEN j.start_ts IS NOT NULL THEN p.series_zone END AS series_zone,
        CASE WHEN j.start_ts IS NOT NULL THEN p.series_kind END AS series_kind,
        CASE WHEN j.start_ts IS NOT NULL THEN p.series_basis END AS series_basis,
        p.k_before, p.before_h, p.last_h,
        epoch_us(j.start_ts) AS run_start_us,
        epoch_us(j.start_ts)
            + CAST(round(greatest(coalesce(j.elapsed_s, 0), 0) * 1e6) AS BIGINT) AS run_end_us
    FROM footprint_jobs j
    LEFT JOIN footprint_series_span p
        ON p.cluster = j.cluster
        AND p.partition IS NOT DISTINCT FROM j.partition
        AND p.logged_gpu_model IS NOT DISTINCT FROM j.gpu_model
        AND p.job_year IS NOT DISTINCT FROM j.job_year
        AND p.job_grid IS NOT DISTINCT FROM j.grid
),
keyed AS (
    SELECT
        *,
        coalesce(k_before + greatest(least(run_start_us // 3600000000, last_h), before_h)
            - before_h, 0) AS key_start,
        coalesce(k_before + greatest(least(run_end_us // 3600000000, last_h), before_h)
            - before_h, 0) AS key_end
    FROM runs
),
looked AS (
    SELECT
        r.*,
        a.cum_g_s + CASE
            WHEN a.n = 1 THEN a.one_g * greatest(0, least(r.run_start_us, a.one_e) - a.one_s)
            WHEN a.n > 1 THEN coalesce(list_sum(list_transform(ap.pieces,
                lambda x: x.g * greatest(0, least(r.run_start_us, x.e) - x.s))), 0)
            ELSE 0 END / 1e6 AS g_s_start,
        a.cum_us + CASE
            WHEN a.n = 1 THEN greatest(0, least(r.run_start_us, a.one_e) - a.one_s)
            WHEN a.n > 1 THEN coalesce(list_sum(list_transform(ap.pieces,
                lambda x: greatest(0, least(r.run_start_us, x.e) - x.s))), 0)
            ELSE 0 END AS us_start,
        b.cum_g_s + CASE
            WHEN b.n = 1 THEN b.one_g * greatest(0, least(r.run_end_us, b.one_e) - b.one_s)
            WHEN b.n > 1 THEN coalesce(list_sum(list_transform(bp.pieces,
                lambda x: x.g * greatest(0, least(r.run_end_us, x.e) - x.s))), 0)
            ELSE 0 END / 1e6 AS g_s_end,
        b.cum_us + CASE
            WHEN b.n = 1 THEN greatest(0, least(r.run_end_us, b.one_e) - b.one_s)
            WHEN b.n > 1 THEN coalesce(list_sum(list_transform(bp.pieces,
                lambda x: greatest(0, least(r.run_end_us, x.e) - x.s))), 0)
            ELSE 0 END AS us_end
    FROM keyed r
    JOIN footprint_series_hours a ON a.k = r.key_start
    JOIN footprint_series_hours b ON b.k = r.key_end
    LEFT JOIN footprint_series_pieces ap ON ap.k = r.key_start
    LEFT JOIN footprint_series_pieces bp ON bp.k = r.key_end
)
SELECT
    * EXCLUDE (series_id, k_before, before_h, last_h, run_start_us, run_end_us, key_start,
        key_end, g_s_start, us_start, g_s_end, us_end),
    CASE WHEN series_id IS NOT NULL THEN g_s_end - g_s_start END AS series_g_s,
    CASE WHEN series_id IS NOT NULL THEN CAST(us_end - us_start AS BIGINT) END
        AS series_covered_us,
    CASE WHEN series_id IS NOT NULL THEN run_end_us - run_start_us END AS run_us
FROM looked;
