-- Creates `csv_starts` empty: no record's physical line is known (csv/line_map.sql fills it
-- when the file's lines can be read whole).
CREATE OR REPLACE TEMP TABLE csv_starts (line BIGINT, duck_line BIGINT)
