-- Creates the temp table `sens_scores` (key, score_text, line) from the temp table
-- `sens_scores_raw`: the key column {{key}} (job_id or run) and the score column {{metric}}
-- of each row that has a key; an empty score is no score.
CREATE OR REPLACE TEMP TABLE sens_scores AS
SELECT trim({{key}}) AS key, nullif(trim({{metric}}), '') AS score_text, scores_line AS line
FROM sens_scores_raw
WHERE nullif(trim({{key}}), '') IS NOT NULL;
