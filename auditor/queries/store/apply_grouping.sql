-- Creates the temp view `import_rows`: the canonical rows of {{relation}} with project and
-- sweep taken from the field each $*_kind names ('keep' leaves the importer's value). Empty
-- fields give '(none)'. A view: the values are put in as literals.
CREATE OR REPLACE TEMP VIEW import_rows AS
SELECT * REPLACE (
    CASE $project_kind
        WHEN 'keep' THEN project
        ELSE coalesce(nullif(CASE $project_kind
            WHEN 'account' THEN account
            WHEN 'partition' THEN partition
            WHEN 'user' THEN user_name
            WHEN 'wckey' THEN tags['wckey']
            WHEN 'comment' THEN tags['comment']
            WHEN 'tag' THEN tags[$project_arg]
            WHEN 'array' THEN tags['array_job']
            WHEN 'jobname' THEN regexp_extract(name, $project_arg, $project_group)
        END, ''), '(none)')
    END AS project,
    CASE $sweep_kind
        WHEN 'keep' THEN sweep
        ELSE coalesce(nullif(CASE $sweep_kind
            WHEN 'account' THEN account
            WHEN 'partition' THEN partition
            WHEN 'user' THEN user_name
            WHEN 'wckey' THEN tags['wckey']
            WHEN 'comment' THEN tags['comment']
            WHEN 'tag' THEN tags[$sweep_arg]
            WHEN 'array' THEN tags['array_job']
            WHEN 'jobname' THEN regexp_extract(name, $sweep_arg, $sweep_group)
        END, ''), '(none)')
    END AS sweep
)
FROM {{relation}}
