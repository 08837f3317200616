-- What the JSON document in `json_in` is: WattTime's /v3/historical (data[].point_time and
-- meta), or the UK Carbon Intensity API (data[].from, data[].data[].from,
-- data[].regions[], data.data[].from); and WattTime's meta fields, as text.
SELECT
    count(*) AS documents,
    any_value(doc->>'$.data[0].point_time') IS NOT NULL AS watttime,
    any_value(
        (doc->>'$.data[0].from') IS NOT NULL
        OR (doc->>'$.data[0].data[0].from') IS NOT NULL
        OR (doc->>'$.data.data[0].from') IS NOT NULL
    ) AS uk,
    any_value(doc->>'$.meta.region') AS region,
    any_value(doc->>'$.meta.signal_type') AS signal_type,
    any_value(doc->>'$.meta.units') AS units,
    any_value(doc->>'$.meta.data_point_period_seconds') AS period_s
FROM json_in;
