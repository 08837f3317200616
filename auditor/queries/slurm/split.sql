-- Creates the temp view {{view}}: the lines of {{lines}} (one text dump's: line, its
-- number, and text) split into sacct fields, as rows of `sacct_rows`. The layout comes from
-- the header only, never from data, as values put in as literals (a view takes no
-- parameters): $n fields a line, separated by $sep, ended by one more with $trailing = 1;
-- data from line $first; $at_<field>, the position of each sacct field (0: not in the dump,
-- and p[0] is NULL); $free, the positions of the free-text fields, most likely first.
-- Rows with more fields than the header give the surplus to the first free-text field that
-- leaves the fields of a known shape well-formed; rows that still do not fit get a
-- shape_problem.
CREATE OR REPLACE TEMP VIEW {{view}} AS
SELECT
    $file AS file,
    $file_order AS file_order,
    line,
    CAST(line AS VARCHAR) AS loc,
    CASE
        WHEN len(parts) < $n THEN
            'the line has ' || len(parts) || ' fields, the header ' || $n || ': is it cut short?'
        WHEN p IS NULL THEN
            'the line has ' || len(parts) || ' fields, the header ' || $n || ', and no free-text '
            || 'column can take the extra delimiters'
    END AS shape_problem,
    p[$at_jobid] AS jobid,
    p[$at_jobidraw] AS jobidraw,
    p[$at_cluster] AS "cluster",
    p[$at_user] AS "user",
    p[$at_account] AS account,
    p[$at_group] AS "group",
    p[$at_partition] AS partition,
    p[$at_qos] AS qos,
    p[$at_wckey] AS wckey,
    p[$at_state] AS state,
    p[$at_exitcode] AS exitcode,
    p[$at_submit] AS "submit",
    p[$at_start] AS "start",
    p[$at_end] AS "end",
    p[$at_elapsed] AS elapsed,
    p[$at_elapsedraw] AS elapsedraw,
    p[$at_nnodes] AS nnodes,
    p[$at_ncpus] AS ncpus,
    p[$at_reqmem] AS reqmem,
    p[$at_reqtres] AS reqtres,
    p[$at_alloctres] AS alloctres,
    p[$at_allocgres] AS allocgres,
    p[$at_totalcpu] AS totalcpu,
    p[$at_maxrss] AS maxrss,
    p[$at_consumedenergyraw] AS consumedenergyraw,
    p[$at_nodelist] AS nodelist,
    p[$at_jobname] AS jobname,
    p[$at_comment] AS comment,
    -- fields most dumps lack: a constant NULL then, which costs nothing per row
    CASE WHEN $at_tresusageinmax > 0 THEN p[$at_tresusageinmax] END AS tresusageinmax,
    CASE WHEN $at_tresusageintot > 0 THEN p[$at_tresusageintot] END AS tresusageintot,
    CASE WHEN $at_admincomment > 0 THEN p[$at_admincomment] END AS admincomment
FROM (
    SELECT
        line,
        parts,
        CASE
            WHEN len(parts) = $n THEN parts
            WHEN len(parts) > $n THEN list_filter(
                list_transform(CAST($free AS INTEGER[]), lambda a: list_concat(
                    parts[1:a - 1],
                    [array_to_string(parts[a:a + len(parts) - $n], $sep)],
                    parts[a + len(parts) - $n + 1:])),
                lambda c: ($at_jobid = 0 OR regexp_full_match(coalesce(c[$at_jobid], ''), '\d+(_\d+|_\[[^\]]*\])?(\+\d+)?(\.[A-Za-z0-9]+(\+\d+)?)?'))
                AND ($at_jobidraw = 0 OR regexp_full_match(coalesce(c[$at_jobidraw], ''), '\d+(\.[A-Za-z0-9]+(\+\d+)?)?'))
                AND ($at_state = 0 OR regexp_full_match(coalesce(c[$at_state], ''), '[A-Z_]*( by \d+)?'))
                AND ($at_elapsedraw = 0 OR regexp_full_match(coalesce(c[$at_elapsedraw], ''), '\d*'))
                AND ($at_ncpus = 0 OR regexp_full_match(coalesce(c[$at_ncpus], ''), '\d*'))
                AND ($at_nnodes = 0 OR regexp_full_match(coalesce(c[$at_nnodes], ''), '\d*'))
                AND ($at_submit = 0 OR regexp_full_match(coalesce(c[$at_submit], ''), '|Unknown|None|\d+|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d.*'))
                AND ($at_start = 0 OR regexp_full_match(coalesce(c[$at_start], ''), '|Unknown|None|\d+|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d.*'))
                AND ($at_end = 0 OR regexp_full_match(coalesce(c[$at_end], ''), '|Unknown|None|\d+|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d.*'))
                AND ($at_alloctres = 0 OR regexp_full_match(coalesce(c[$at_alloctres], ''), '([^=,]+=[^,]*(,[^=,]+=[^,]*)*)?')))[1]
        END AS p
    FROM (
        SELECT
            line,
            string_split(
                CASE WHEN $trailing = 1 AND ends_with(text, $sep)
                     THEN text[:-(length($sep) + 1)] ELSE text END,
                $sep) AS parts
        FROM (
            SELECT line, CASE WHEN ends_with(text, chr(13)) THEN text[:-2] ELSE text END AS text
            FROM {{lines}}
            -- not blank; the same test as trim(text) <> '', without copying every line (the
            -- regular expression only for a line that starts with a space)
            WHERE line >= $first
                AND ((text <> '' AND NOT starts_with(text, ' ')) OR regexp_matches(text, '[^ ]'))
        )
    )
)
