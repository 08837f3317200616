-- Creates the empty temp table `sens_scores` (key, score_text, line): no scores CSV given.
CREATE OR REPLACE TEMP TABLE sens_scores (key VARCHAR, score_text VARCHAR, line BIGINT);
