-- Returns, per sweep of the temp table `sens_runs`: sweep_key, runs, the runs with a score
-- (scored), and up to three names of runs without one (unscored); sorted by sweep_key.
SELECT
    sweep_key,
    count(*) AS runs,
    count(score) AS scored,
    list(run_name ORDER BY run_name) FILTER (WHERE score IS NULL)[1:3] AS unscored
FROM sens_runs
GROUP BY sweep_key
ORDER BY sweep_key;
