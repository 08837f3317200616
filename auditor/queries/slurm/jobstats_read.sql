-- Creates `slurm_jobstats_chunk`: the lines of the gzip file $path (the joined members of
-- some jobstats payloads, slurm/jobstats_members.sql), each read whole (the delimiter $delim
-- is a byte the summaries never hold), in order; $max_line_size is the longest line read.
CREATE OR REPLACE TEMP TABLE slurm_jobstats_chunk AS
SELECT line
FROM read_csv(
    $path, columns = {'line': 'VARCHAR'}, compression = 'gzip', delim = $delim, quote = '',
    escape = '', header = false, auto_detect = false, new_line = '\n',
    max_line_size = $max_line_size
)
