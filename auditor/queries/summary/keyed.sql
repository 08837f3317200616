-- Creates the temp view `summary_keyed`: the rows of {{rows}} (counted_jobs, or the temp view
-- `footprint`) with the group each falls in for $by (project, sweep, run, user, month,
-- gpu_model as the column {{gpu_model}} gives it, state, or all): group_key, and for a sweep or
-- run what tells it apart (group_project, group_source, group_store, group_ident; NULL or ''
-- for another $by), which summary/named.sql joins to the temp table `group_names`. A sweep is
-- one of its store and project, a run one run (summary/group_names.sql). A view, so $by is put
-- in as a literal.
CREATE OR REPLACE TEMP VIEW summary_keyed AS
SELECT
    coalesce(CASE $by
        WHEN 'project' THEN project
        WHEN 'sweep' THEN coalesce(sweep, '(none)')
        WHEN 'run' THEN coalesce(run, job_id)
        WHEN 'user' THEN user_name
        WHEN 'month' THEN strftime(timezone('UTC', coalesce(start_ts, submit_ts, end_ts)), '%Y-%m')
        WHEN 'gpu_model' THEN {{gpu_model}}
        WHEN 'state' THEN state
        WHEN 'all' THEN 'all'  -- one group of every job (auditor sci without --by)
    END, '(none)') AS group_key,
    CASE WHEN $by IN ('sweep', 'run') THEN coalesce(project, '(none)') END AS group_project,
    CASE WHEN $by IN ('sweep', 'run') THEN source END AS group_source,
    CASE WHEN $by IN ('sweep', 'run')
        THEN group_store(source, src_file, cluster) END AS group_store,
    CASE WHEN $by = 'run' THEN run_ident(source, job_id) ELSE '' END AS group_ident,
    *
FROM {{rows}};
