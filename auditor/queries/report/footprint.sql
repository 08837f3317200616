-- Materialises the temp view `footprint` (computed once for the report's jobs) as the temp
-- table `report_footprint`, and creates the temp table `report_project` (the project an R&D
-- table is being made for) and the temp view `footprint` over that project's jobs only, which
-- is what summary/rnd_pick.sql and summary/rnd_table.sql read.
-- (without explain's written arithmetic: strings for every job, read by none)
CREATE OR REPLACE TEMP TABLE report_footprint AS SELECT * EXCLUDE (explained) FROM footprint;
CREATE OR REPLACE TEMP TABLE report_project (project VARCHAR);
CREATE OR REPLACE TEMP VIEW footprint AS
SELECT * FROM report_footprint WHERE project IN (SELECT project FROM report_project);
