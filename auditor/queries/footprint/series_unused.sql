-- Returns the stored series of the zones of the footprint's classes (their grid, or the zone
-- it is an alias of) that no class took (footprint_series_classes), with why: (zone, kind,
-- basis, reason), reason one of 'annual' (the classes of that zone take intensity =
-- "annual"), 'kind' (they take another intensity_kind: kinds names it), 'basis' (another
-- intensity_basis: bases), 'other' (they take another zone's series). Average and marginal
-- series are never mixed, so the notes name the ones left out.
WITH stored AS (
    SELECT lower(trim(zone)) AS zone_norm, kind, basis, min(zone) AS zone
    FROM intensity_series
    GROUP BY ALL
),
zoned AS (
    SELECT c.series_zone_norm AS zone_norm, c.intensity, c.intensity_kind, c.intensity_basis
    FROM footprint_classes c WHERE c.series_zone_norm IS NOT NULL
    UNION ALL
    SELECT lower(trim(a.value)), c.intensity, c.intensity_kind, c.intensity_basis
    FROM footprint_classes c JOIN factor_grid_alias a ON lower(a.grid) = c.series_zone_norm
)
SELECT
    s.zone, s.kind, s.basis,
    CASE
        WHEN bool_and(z.intensity = 'annual') THEN 'annual'
        WHEN NOT bool_or(z.intensity_kind = s.kind) THEN 'kind'
        WHEN NOT bool_or(z.intensity_basis = s.basis) THEN 'basis'
        ELSE 'other'
    END AS reason,
    string_agg(DISTINCT z.intensity_kind, ', ' ORDER BY z.intensity_kind) AS kinds,
    string_agg(DISTINCT z.intensity_basis, ', ' ORDER BY z.intensity_basis) AS bases
FROM stored s
JOIN zoned z ON z.zone_norm = s.zone_norm
WHERE NOT EXISTS (
    SELECT 1 FROM footprint_series_classes u
    WHERE u.zone_norm = s.zone_norm AND u.series_kind = s.kind AND u.series_basis = s.basis
)
GROUP BY s.zone, s.kind, s.basis
ORDER BY ALL;
