-- Adds to `points` the records of a UK Carbon Intensity API document in `json_in`, in any
-- of its shapes: national data[i]; regional data[i].regions[j] (all regions per period),
-- data[i].data[j] (one region per entry) and data.data[j] (a postcode's region). The value
-- is `actual` where present, else `forecast` (estimated); the zone is 'GB' nationally, else
-- 'GB-' and the region's shortname with spaces as '-' ('GB' for the national aggregate).
INSERT INTO points
SELECT *, $file_no, try_cast(ts_text AS TIMESTAMPTZ), try_cast(end_text AS TIMESTAMPTZ),
    try_cast(value_text AS DOUBLE) * g_per_unit
FROM (
WITH top AS (
    SELECT
        doc,
        unnest(json_extract(doc, '$.data[*]')) AS r,
        generate_subscripts(json_extract(doc, '$.data[*]'), 1) - 1 AS i
    FROM json_in
),
national AS (
    SELECT i, 0 AS j, 'data[' || i || ']' AS place, NULL AS shortname, r AS rec
    FROM top
    WHERE (r->'regions') IS NULL AND (r->'data') IS NULL
),
by_period AS (
    SELECT
        i,
        generate_subscripts(json_extract(r, '$.regions[*]'), 1) - 1 AS j,
        unnest(json_extract(r, '$.regions[*]')) AS g,
        r->>'from' AS start_text,
        r->>'to' AS end_text
    FROM top
    WHERE (r->'regions') IS NOT NULL
),
by_region AS (
    SELECT
        i,
        generate_subscripts(json_extract(r, '$.data[*]'), 1) - 1 AS j,
        r->>'shortname' AS shortname,
        unnest(json_extract(r, '$.data[*]')) AS rec
    FROM top
    WHERE (r->'data') IS NOT NULL
),
postcode AS (
    SELECT
        0 AS i,
        generate_subscripts(json_extract(doc, '$.data.data[*]'), 1) - 1 AS j,
        doc->>'$.data.shortname' AS shortname,
        unnest(json_extract(doc, '$.data.data[*]')) AS rec
    FROM json_in
    WHERE json_type(doc, '$.data') = 'OBJECT'
),
records AS (
    SELECT i, j, place, shortname, rec->>'from' AS start_text, rec->>'to' AS end_text,
        rec->>'$.intensity.actual' AS actual, rec->>'$.intensity.forecast' AS forecast
    FROM (
        SELECT * FROM national
        UNION ALL BY NAME
        SELECT *, 'data[' || i || '].data[' || j || ']' AS place FROM by_region
        UNION ALL BY NAME
        SELECT *, 'data.data[' || j || ']' AS place FROM postcode
    )
    UNION ALL
    SELECT i, j, 'data[' || i || '].regions[' || j || ']', g->>'shortname', start_text,
        end_text, g->>'$.intensity.actual', g->>'$.intensity.forecast'
    FROM by_period
)
SELECT
    $file, place, row_number() OVER (ORDER BY i, j),
    CASE
        WHEN shortname IS NULL OR trim(shortname) = 'GB' THEN 'GB'
        ELSE 'GB-' || replace(trim(shortname), ' ', '-') END,
    start_text, end_text, coalesce(actual, forecast), 1.0,
    actual IS NULL, 'average', $basis, NULL, NULL
FROM records
) AS recs(file, place, ord, zone, ts_text, end_text, value_text, g_per_unit, estimated, kind,
    basis, period_s, calendar);
