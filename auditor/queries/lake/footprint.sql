-- Creates the temp view `footprint` over the lake: the rows of the temp view `lake_priced`
-- (lake/priced.sql) that the temp table `footprint_params` (footprint/params.sql) picks.
CREATE OR REPLACE TEMP VIEW footprint AS
SELECT j.*
FROM lake_priced j, footprint_params p
WHERE (p.uid IS NULL OR j.uid = p.uid)
  AND (p.project IS NULL OR j.project = p.project)
  AND (p.include_running OR j.included);
