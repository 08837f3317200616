-- Creates `json_in`: the one JSON document of the file $path (up to 128 MB: a year of
-- 5-minute points is about 7 MB).
CREATE OR REPLACE TEMP TABLE json_in AS
SELECT json AS doc
FROM read_json_objects($path, format = 'auto', maximum_object_size = 134217728);
