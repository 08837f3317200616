-- Creates the temp table `sens_scores_raw`: every row of the scores CSV $file, each field as
-- text, with `scores_line`, its line in the file (the header is line 1; a quoted field that spans
-- lines makes the later numbers too small).
CREATE OR REPLACE TEMP TABLE sens_scores_raw AS
SELECT row_number() OVER () + 1 AS scores_line, *
FROM read_csv($file, all_varchar = true, header = true);
