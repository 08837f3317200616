-- The zones the records of file $file_no in `points` name, in order: a --zone given for a
-- file of several regions would merge their series.
SELECT DISTINCT zone FROM points WHERE file_no = $file_no ORDER BY zone;
