-- Returns whether the file $path is JSON holding a 'jobs' list, as sacct --json prints.
SELECT CASE
    WHEN json_valid(content) THEN json_type(CAST(content AS JSON), '$.jobs') = 'ARRAY'
    ELSE false
END
FROM read_text($path)
