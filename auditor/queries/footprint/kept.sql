-- Creates the temp view `footprint_kept`: the jobs of {{jobs}} (counted_jobs or the jobs
-- table) whose uid is in the temp table or view {{keep}} (a report's jobs), for
-- footprint/select.sql.
CREATE OR REPLACE TEMP VIEW footprint_kept AS
SELECT * FROM {{jobs}}
WHERE uid IN (SELECT uid FROM {{keep}});
