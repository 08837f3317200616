-- Makes the temp table `report_project_jobs` the jobs of `report_footprint` in the project
-- numbered $project_ord (report/footprint.sql), the jobs the temp view `footprint` shows while
-- that project's R&D table is made. A table, not a filter in the view: each of the R&D
-- table's queries then reads the project's jobs, not every job of the report; and a number,
-- whose range each row group of the sorted table records, so the other row groups are skipped.
CREATE OR REPLACE TEMP TABLE report_project_jobs AS
SELECT * EXCLUDE (project_ord) FROM report_footprint WHERE project_ord = $project_ord;
