-- Returns the columns of the scores CSV (name), as the temp table `sens_scores_raw` holds
-- them (sensitivity/scores_read.sql), in the file's order.
SELECT column_name AS name
FROM duckdb_columns()
WHERE table_name = 'sens_scores_raw' AND database_name = 'temp' AND column_name <> 'scores_line'
ORDER BY column_index;
