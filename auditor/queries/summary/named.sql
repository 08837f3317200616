-- Returns the groups of the temp table `summary_grouped` (summary/gpu_hours.sql or
-- summary/footprint.sql) with their figures, sorted by key: group_key, then project (for a
-- sweep or run, else NULL) and the figures. A sweep or run ($by) is keyed as in the temp table
-- `group_names` (summary/group_names.sql) when its name is shared, else `project/name`.
SELECT
    CASE WHEN $by IN ('sweep', 'run')
        THEN coalesce(n.group_key, g.group_project || '/' || g.group_key)
        ELSE g.group_key END AS group_key,
    g.group_project AS project,
    g.* EXCLUDE (group_key, group_project, group_source, group_store, group_ident)
FROM summary_grouped g
LEFT JOIN group_names n
    ON n.source = g.group_source AND n.store = g.group_store AND n.project = g.group_project
    AND n.ident = g.group_ident AND n.name = g.group_key
ORDER BY 1, 2;
