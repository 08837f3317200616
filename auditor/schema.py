"""The canonical job table every importer produces, as an Arrow schema.

One row is one allocation (a Slurm job, array task or het component), one MLflow leaf run
or one line of a CSV job log. Units are in the names. ``uid`` is the upsert key:
``source:cluster:job_id:submit_epoch``; re-ingesting a row with the same uid replaces it.
"""

from __future__ import annotations

import pyarrow as pa

TS = pa.timestamp("us", tz="UTC")

JOB_SCHEMA = pa.schema(
    [
        pa.field("uid", pa.string(), nullable=False),
        pa.field("source", pa.string(), nullable=False),  # slurm | csv | codecarbon | mlflow
        pa.field("cluster", pa.string(), nullable=False),  # Slurm cluster, MLflow store, CSV site
        pa.field("job_id", pa.string(), nullable=False),  # JobIDRaw, run id, log job id
        pa.field("run", pa.string()),  # what a person calls it: JobID `123_4`, run name
        pa.field("name", pa.string()),
        pa.field("user_name", pa.string()),
        pa.field("account", pa.string()),
        pa.field("partition", pa.string()),
        pa.field("project", pa.string()),
        pa.field("sweep", pa.string()),
        pa.field("state", pa.string()),  # upper case, first word: COMPLETED, FAILED, ...
        pa.field("submit_ts", TS),
        pa.field("start_ts", TS),
        pa.field("end_ts", TS),
        pa.field("elapsed_s", pa.float64()),  # wall-clock seconds; 0 when it never started
        pa.field("running", pa.bool_()),  # no end yet: kept, flagged, left out of totals
        pa.field("gpus", pa.float64()),
        # normalised key (gpu_key() in queries/store/macros.sql): a100, a100:3g.20gb, a+b
        pa.field("gpu_model", pa.string()),
        pa.field("cpus", pa.float64()),
        pa.field("mem_gb", pa.float64()),  # allocated memory, GiB
        pa.field("mem_req_gb", pa.float64()),  # requested memory, GiB
        pa.field("nodes", pa.int64()),
        pa.field("energy_j", pa.float64()),  # measured energy of the job, before PUE
        pa.field("power_w", pa.float64()),  # measured whole-job average power
        pa.field("cpu_util", pa.float64()),  # fraction 0..1 of allocated CPU time used
        pa.field("gpu_util", pa.float64()),  # time-averaged mean over the job's GPUs, 0..1
        pa.field("max_rss_gb", pa.float64()),
        pa.field("gpu_util_peak", pa.float64()),  # a peak, 0..1 of the job's GPUs: never a mean
        pa.field("gpu_mem_gb", pa.float64()),  # largest GPU memory in use, all its GPUs, GiB
        pa.field("gpu_util_from", pa.string()),  # the log each GPU-use figure came from
        pa.field("gpu_peak_from", pa.string()),
        pa.field("gpu_mem_from", pa.string()),
        pa.field("grid", pa.string()),  # grid region of this job when the log names one
        pa.field("tags", pa.map_(pa.string(), pa.string())),  # every other input field
        pa.field("src_file", pa.string()),
        pa.field("src_line", pa.int64()),  # line in src_file (1-based), NULL for stores
    ]
)

JOB_COLUMNS: tuple[str, ...] = tuple(JOB_SCHEMA.names)
