-- Stores the rows of {{split}} (a text dump's lines split, slurm/split.sql) in
-- `sacct_stored_rows`: with many dumps, each is split once, as it is read.
INSERT INTO sacct_stored_rows BY NAME
FROM {{split}}
