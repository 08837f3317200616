-- Creates `csv_options`: the one row of --cluster and --project (or NULLs), which the view
-- csv/canonical.sql reads, as a view takes no parameters.
CREATE TEMP TABLE csv_options AS
SELECT CAST($cluster AS VARCHAR) AS cluster, CAST($project AS VARCHAR) AS project
