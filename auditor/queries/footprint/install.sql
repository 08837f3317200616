-- Creates (or replaces) the temp table {{table}} as a copy of {{source}}, an Arrow table
-- registered on the connection: a factor table or a settings table the footprint joins.
CREATE OR REPLACE TEMP TABLE {{table}} AS SELECT * FROM {{source}};
