-- Creates the temp table `footprint_params`, one row: which jobs footprint/select.sql picks
-- ($uid one job, $project one project, running ones only with $include_running).
CREATE OR REPLACE TEMP TABLE footprint_params AS
SELECT
    CAST($uid AS VARCHAR) AS uid,
    CAST($project AS VARCHAR) AS project,
    CAST($include_running AS BOOLEAN) AS include_running;
