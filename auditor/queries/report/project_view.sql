-- Creates the temp view `footprint` over the temp table `report_footprint` (report/footprint.sql):
-- what summary/rnd_jobs.sql reads for the R&D tables of every project at once, and the tune
-- rows' sensitivity, in place of the footprint computation it was materialised from; without
-- the columns the footprint has not (store and month, which rnd_jobs.sql derives itself, and
-- factor_class).
CREATE OR REPLACE TEMP VIEW footprint AS
SELECT * EXCLUDE (store, month, factor_class) FROM report_footprint;
