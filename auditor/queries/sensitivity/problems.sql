-- Returns the first run of the temp table `sens_runs` whose score cannot be used (sweep_key,
-- run_name, ident, bad_text, no_history), a value that is not a number before a metric
-- without its history; no row when there is none.
SELECT sweep_key, run_name, ident, bad_text, no_history
FROM sens_runs
WHERE bad_text IS NOT NULL OR no_history
ORDER BY bad_text IS NULL, sweep_key, run_name, ident
LIMIT 1;
