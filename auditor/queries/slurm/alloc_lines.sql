-- Creates {{kept}}: of the lines of {{lines}} (the text dump at $file_order, a line per row,
-- its number rowid + 1), those of the allocations `slurm_alloc_facts` keeps, with their
-- number: all the second pass reads of the dump, a third of its lines.
CREATE TEMP TABLE {{kept}} AS
SELECT rowid + 1 AS line, text
FROM {{lines}}
WHERE rowid + 1 IN (SELECT line FROM slurm_alloc_facts WHERE file_order = $file_order)
