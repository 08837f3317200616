-- Returns the groups of `group_names` (group_names.sql) that $ident names, by their key or
-- by their bare name, within $project when it is given: (source, cluster, project, name,
-- group_key, exact), exact when $ident is the key. Sorted by key.
SELECT source, cluster, project, name, group_key, group_key = $ident AS exact
FROM group_names
WHERE (group_key = $ident OR name = $ident)
  AND ($project IS NULL OR project = $project)
ORDER BY group_key;
