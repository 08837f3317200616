-- Creates the temp view `footprint` of a report over a lake: the rows of the temp view
-- `lake_priced` (lake/priced.sql) of the report's jobs (temp view `report_jobs`,
-- report/jobs.sql); explained and factor_class, which a lake does not hold, are NULL
-- (the factors with their sources come from the lake's _factors.parquet).
CREATE OR REPLACE TEMP VIEW footprint AS
SELECT
    j.*,
    NULL::VARCHAR AS explained,
    NULL AS factor_class
FROM lake_priced j
SEMI JOIN report_jobs r ON r.uid = j.uid;
