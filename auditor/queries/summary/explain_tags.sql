-- Returns (key, value) of every tag of the job $uid (input fields auditor keeps as they
-- were: unknown CSV columns, Slurm's QOS and node list, MLflow tags...), sorted by key.
SELECT e.key, e.value
FROM (SELECT unnest(map_entries(tags)) AS e FROM jobs WHERE uid = $uid)
ORDER BY e.key
