-- Returns the first problem of the temp table `sens_scores` (line, what): a key given twice,
-- or a score that is not a number; no row when there is none.
WITH counted AS (
    SELECT *, row_number() OVER (PARTITION BY key ORDER BY line) AS nth FROM sens_scores
)
SELECT line, CASE WHEN nth > 1 THEN 'key ''' || key || ''' is given twice'
    ELSE 'score ''' || score_text || ''' is not a number' END AS what
FROM counted
WHERE nth > 1 OR (score_text IS NOT NULL AND try_cast(score_text AS DOUBLE) IS NULL)
ORDER BY line
LIMIT 1;
