-- Creates `csv_starts`: the physical line (1-based) of every record of one CSV file read as
-- `raw_lines` (one row per physical line, in order), with `duck_line`, the number DuckDB's
-- CSV reader gives that record in its reject table (it counts records and blank lines, not
-- the lines inside quoted fields). A line's quoting state is found without a loop: each line
-- maps "inside a quoted field or not" at its start to the same at its end (a constant,
-- the identity or a negation, from the regular expressions $open_out, $open_in, $reopen_in);
-- the state after a line is the last constant's value flipped once per negation since.
-- $first is the header's line number.
CREATE OR REPLACE TEMP TABLE csv_starts AS
WITH lines AS (
    SELECT rowid + 1 AS line, coalesce(text, '') AS text FROM raw_lines WHERE rowid + 1 >= $first
),
maps AS (
    SELECT
        line,
        text,
        CASE WHEN contains(text, '"') THEN regexp_full_match(text, $open_out) ELSE false END AS f0,
        CASE WHEN contains(text, '"')
            THEN regexp_full_match(text, $open_in) OR regexp_full_match(text, $reopen_in)
            ELSE true END AS f1
    FROM lines
),
counted AS (
    SELECT *, sum(CASE WHEN f0 AND NOT f1 THEN 1 ELSE 0 END) OVER w AS flips
    FROM maps
    WINDOW w AS (ORDER BY line ROWS UNBOUNDED PRECEDING)
),
carried AS (
    SELECT *, max(CASE WHEN f0 = f1 THEN {'line': line, 'v': f0, 'flips': flips} END) OVER w AS k
    FROM counted
    WINDOW w AS (ORDER BY line ROWS UNBOUNDED PRECEDING)
),
states AS (
    SELECT
        line,
        text,
        -- inside a quoted field after this line?
        CASE WHEN k IS NULL THEN flips % 2 = 1
             ELSE (CASE WHEN k.v THEN 1 ELSE 0 END + flips - k.flips) % 2 = 1 END AS inside_after
    FROM carried
),
starts AS (
    SELECT line, text, NOT coalesce(lag(inside_after) OVER (ORDER BY line), false) AS outside
    FROM states
)
SELECT
    line,
    $first - 1 + row_number() OVER (ORDER BY line) AS duck_line
FROM starts
WHERE outside
QUALIFY line > $first AND text <> '';
