-- Creates `sacct_rows`: one row per line of a text dump or job/step of a JSON dump, the sacct
-- fields as strings (lower-case names), with where it came from and any shape problem.
CREATE TEMP TABLE sacct_rows (
    file VARCHAR, file_order INTEGER, line BIGINT, loc VARCHAR, shape_problem VARCHAR,
    jobid VARCHAR, jobidraw VARCHAR, "cluster" VARCHAR, "user" VARCHAR, account VARCHAR,
    "group" VARCHAR, partition VARCHAR, qos VARCHAR, wckey VARCHAR, state VARCHAR,
    exitcode VARCHAR, "submit" VARCHAR, "start" VARCHAR, "end" VARCHAR, elapsed VARCHAR,
    elapsedraw VARCHAR, nnodes VARCHAR, ncpus VARCHAR, reqmem VARCHAR, reqtres VARCHAR,
    alloctres VARCHAR, allocgres VARCHAR, totalcpu VARCHAR, maxrss VARCHAR,
    consumedenergyraw VARCHAR, nodelist VARCHAR, jobname VARCHAR, comment VARCHAR
);
