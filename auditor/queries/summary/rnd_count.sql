-- Returns one row, one column: how many jobs the temp view `footprint` holds (an R&D table
-- needs at least one).
SELECT count(*) FROM footprint;
