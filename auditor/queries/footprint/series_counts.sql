-- Returns, per series the jobs of footprint_series_jobs took (series_zone,
-- series_kind, series_basis): covered_jobs, the jobs whose run it covers in part or whole;
-- outside_jobs, those whose run it does not cover at all (the annual factor applies);
-- covered_share, the part of the covered jobs' run time it covers. For the footprint's notes.
SELECT
    series_zone, series_kind, series_basis,
    count(*) FILTER (WHERE series_covered_us > 0) AS covered_jobs,
    count(*) FILTER (WHERE series_covered_us = 0 AND run_us > 0) AS outside_jobs,
    sum(series_covered_us) FILTER (WHERE series_covered_us > 0)
        / nullif(sum(run_us) FILTER (WHERE series_covered_us > 0), 0) AS covered_share
FROM footprint_series_jobs
WHERE series_zone IS NOT NULL
GROUP BY ALL
ORDER BY ALL;
