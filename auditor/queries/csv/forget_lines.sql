-- Empties `csv_line_map`: the two readers disagree on the records, so no line is known.
DELETE FROM csv_line_map
