-- Returns the lines of __LINES__ (one text dump's: line, its number, and text) split into
-- sacct fields, as rows of `sacct_rows`. A template: the __NAMES__ are filled from the
-- header's column positions only (auditor.ingest.slurm), never from data; the $ values are
-- put in as literals. Rows with more fields than the header give the surplus to a free-text field
-- (__SURPLUS__ picks which); rows that still do not fit get a shape_problem.
SELECT
    $file AS file,
    $file_order AS file_order,
    line,
    CAST(line AS VARCHAR) AS loc,
    CASE
        WHEN len(parts) < __N__ THEN
            'the line has ' || len(parts) || ' fields, the header __N__: is it cut short?'
        WHEN p IS NULL THEN
            'the line has ' || len(parts) || ' fields, the header __N__, and no free-text '
            || 'column can take the extra delimiters'
    END AS shape_problem,
    __SELECTED__
FROM (
    SELECT
        line,
        parts,
        CASE WHEN len(parts) = __N__ THEN parts WHEN len(parts) > __N__ THEN __SURPLUS__ END AS p
    FROM (
        SELECT line, string_split(__TEXT__, $sep) AS parts
        FROM __LINES__
        -- not blank; the same test as trim(text) <> '', without copying every line
        WHERE line >= $first AND regexp_matches(text, '[^ ]')
    )
)
