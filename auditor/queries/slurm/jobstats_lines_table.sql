-- Creates `slurm_jobstats_lines`: the decompressed jobstats summaries, by the idx of their
-- payload in `slurm_jobstats_payloads` (slurm/jobstats_keep.sql fills it); a payload whose
-- gzip data could not be read has no line.
CREATE TEMP TABLE slurm_jobstats_lines (idx BIGINT, line VARCHAR)
