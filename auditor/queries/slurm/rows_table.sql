-- Creates `sacct_stored_rows`: one row per job or step of a JSON dump, or per line of a text
-- dump split by slurm/split.sql, the sacct fields as strings (lower-case names), with where it
-- came from and any shape problem. The importer's view `sacct_rows` is this table and the
-- lines of the text dumps it splits again each time it is read.
CREATE TEMP TABLE sacct_stored_rows (
    file VARCHAR, file_order INTEGER, line BIGINT, loc VARCHAR, shape_problem VARCHAR,
    jobid VARCHAR, jobidraw VARCHAR, "cluster" VARCHAR, "user" VARCHAR, account VARCHAR,
    "group" VARCHAR, partition VARCHAR, qos VARCHAR, wckey VARCHAR, state VARCHAR,
    exitcode VARCHAR, "submit" VARCHAR, "start" VARCHAR, "end" VARCHAR, elapsed VARCHAR,
    elapsedraw VARCHAR, nnodes VARCHAR, ncpus VARCHAR, reqmem VARCHAR, reqtres VARCHAR,
    alloctres VARCHAR, allocgres VARCHAR, totalcpu VARCHAR, maxrss VARCHAR,
    consumedenergyraw VARCHAR, nodelist VARCHAR, jobname VARCHAR, comment VARCHAR,
    tresusageinmax VARCHAR, tresusageintot VARCHAR, admincomment VARCHAR
);
