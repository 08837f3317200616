-- Makes $project the one row of the temp table `report_project`, the project whose jobs the
-- temp view `footprint` shows while its R&D table is made (report/footprint.sql).
CREATE OR REPLACE TEMP TABLE report_project AS SELECT CAST($project AS VARCHAR) AS project;
