-- Creates the temp table `report_project_jobs` (the jobs of the project an R&D table is being
-- made for, report/project.sql; empty until then) and the temp view `footprint` over it, which
-- is what summary/rnd_pick.sql and summary/rnd_table.sql read, in place of the footprint of
-- every job of the report (now the temp table `report_footprint`, report/footprint.sql).
CREATE OR REPLACE TEMP TABLE report_project_jobs AS
SELECT * EXCLUDE (project_ord) FROM report_footprint LIMIT 0;
CREATE OR REPLACE TEMP VIEW footprint AS SELECT * FROM report_project_jobs;
