-- What the JSON document in `json_in` is: WattTime's /v3/historical (data[].point_time and
-- meta), or the UK Carbon Intensity API (data[].from, data[].data[].from, data.data[].from);
-- and WattTime's meta fields, as text. One json_extract of all paths parses the document
-- once.
WITH found AS (
    SELECT json_extract_string(doc, [
        '$.data[0].point_time', '$.data[0].from', '$.data[0].data[0].from',
        '$.data.data[0].from', '$.meta.region', '$.meta.signal_type', '$.meta.units',
        '$.meta.data_point_period_seconds'
    ]) AS v
    FROM json_in
)
SELECT
    (SELECT count(*) FROM json_in) AS documents,
    v[1] IS NOT NULL AS watttime,
    (v[2] IS NOT NULL OR v[3] IS NOT NULL OR v[4] IS NOT NULL) AS uk,
    v[5] AS region,
    v[6] AS signal_type,
    v[7] AS units,
    v[8] AS period_s
FROM found
LIMIT 1;
