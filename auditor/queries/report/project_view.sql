-- Creates the temp view `footprint` over the temp table `report_footprint` (report/footprint.sql):
-- what summary/rnd_jobs.sql reads for the R&D tables of every project at once, and the tune
-- rows' sensitivity, in place of the footprint computation it was materialised from.
CREATE OR REPLACE TEMP VIEW footprint AS SELECT * FROM report_footprint;
