-- Returns one row, one column: whether a class of footprint/classes.sql may lack or
-- default a factor; only then are footprint/problems.sql's checks worth their pass.
SELECT bool_or(may_lack) FROM footprint_classes;
