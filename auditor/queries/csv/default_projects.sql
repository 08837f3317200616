-- Returns how many records of a codecarbon file (`csv_data`) have no project of their own in
-- the column {{project}}: empty, or codecarbon's default $default.
SELECT count(*) FROM csv_data WHERE coalesce(trim({{project}}), '') IN ('', $default)
