-- The first group of `spacing` whose interval cannot be told (one start, nothing in the
-- file's name) or whose starts are irregular, with the place of the record at fault.
SELECT s.file, coalesce(p.place, any_place.place) AS place, s.zone, s.rule, s.interval_s,
    strftime(s.irregular_at AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M:%S') AS irregular_at
FROM spacing s
LEFT JOIN points p ON p.file = s.file AND p.zone = s.zone AND p.kind = s.kind
    AND p.basis = s.basis AND p.start_ts = s.irregular_at
LEFT JOIN (SELECT file, zone, min(ord) AS ord, arg_min(place, ord) AS place FROM points GROUP BY ALL) any_place
    ON any_place.file = s.file AND any_place.zone = s.zone
WHERE s.rule IS NULL OR (s.rule = 'fixed' AND coalesce(s.interval_s, 0) <= 0)
    OR s.irregular_at IS NOT NULL
ORDER BY list_position(CAST($files AS VARCHAR[]), s.file), coalesce(p.ord, any_place.ord)
LIMIT 1;
