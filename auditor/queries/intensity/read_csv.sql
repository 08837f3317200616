-- Creates `csv_in`: the records of one CSV file $path as text in the columns $columns names
-- (c1, c2 ...), header skipped, in file order: rowid + 2 is the record's line.
CREATE OR REPLACE TEMP TABLE csv_in AS
SELECT *
FROM read_csv(
    $path, columns = $columns, all_varchar = true, header = true, delim = ',', quote = '"',
    escape = '"', auto_detect = false, null_padding = true
);
