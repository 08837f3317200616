-- Creates `csv_rows`: every record of the CSV logs of one import, its fields as text under
-- their canonical names (auditor.ingest.csv_log maps the headers), unknown columns in `tags`;
-- <field>_col is the header name of the column a GPU-use field was read from (NULL: none).
CREATE OR REPLACE TEMP TABLE csv_rows (
    file VARCHAR, file_order INTEGER, rec BIGINT, line BIGINT, loc VARCHAR, kind VARCHAR,
    identity VARCHAR, job_id VARCHAR, name VARCHAR, project VARCHAR, sweep VARCHAR,
    "user" VARCHAR, partition VARCHAR, "start" VARCHAR, "end" VARCHAR, duration_h VARCHAR,
    duration_min VARCHAR, duration_s VARCHAR, gpus VARCHAR, gpu_model VARCHAR, cpus VARCHAR,
    mem_gb VARCHAR, mem_req_gb VARCHAR, mem_used_gb VARCHAR, state VARCHAR, energy_kwh VARCHAR,
    power_w VARCHAR, cluster VARCHAR, grid VARCHAR, gpu_util VARCHAR, gpu_util_fraction VARCHAR, gpu_mem_gb VARCHAR,
    gpu_util_col VARCHAR, gpu_util_fraction_col VARCHAR, gpu_mem_gb_col VARCHAR,
    tags MAP(VARCHAR, VARCHAR)
);
