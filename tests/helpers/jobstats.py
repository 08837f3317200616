"""Princeton jobstats summaries as Slurm stores them in AdminComment: ``JS1:`` and the
base64 of the gzipped compact JSON (PrincetonUniversity/jobstats, ``report_job_json``).

``python -m tests.helpers.jobstats`` prints the AdminComment of each summary below: those
are the values in fixtures/slurm/gpu-use/.
"""

from __future__ import annotations

import base64
import gzip
import json
from typing import Any

GIB = 1024**3


def admin_comment(summary: Any) -> str:
    """``JS1:`` + base64(gzip(JSON)), as jobstats' epilog writes it (mtime 0: reproducible)."""
    raw = json.dumps(summary, separators=(",", ":")).encode()
    return "JS1:" + base64.b64encode(gzip.compress(raw, mtime=0)).decode()


def decode(comment: str) -> Any:
    """The summary in an AdminComment written by ``admin_comment``."""
    return json.loads(gzip.decompress(base64.b64decode(comment[4:])))


def node(util: dict[str, float] | None, used: dict[str, float], cpus: int = 8) -> dict[str, Any]:
    """One node of a summary: GPU utilisation (% by minor number; None on MIG, which
    jobstats leaves out) and the largest GPU memory used (bytes by minor number)."""
    out: dict[str, Any] = {
        "cpus": cpus,
        "total_memory": 64 * GIB,
        "used_memory": 20 * GIB,
        "total_time": 25000.5,
        "gpu_total_memory": {minor: 80 * GIB for minor in used},
        "gpu_used_memory": used,
    }
    if util is not None:
        out["gpu_utilization"] = util
    return out


# The jobs of fixtures/slurm/gpu-use/ that carry a summary, by JobID.
SUMMARIES: dict[str, Any] = {
    "902": {
        "nodes": {"gpu-a01": node({"0": 72.4, "1": 10.0}, {"0": 40000000000, "1": 1000000000})},
        "total_time": 3600,
        "gpus": 2,
    },
    "903": {
        "nodes": {
            "gpu-a02": node({"0": 90.0, "1": 80.0}, {"0": 30000000000, "1": 20000000000}),
            "gpu-a03": node({"0": 70.0, "1": 60.5}, {"0": 10000000000, "1": 5000000000}),
        },
        "total_time": 7200,
        "gpus": 4,
    },
    "904": {  # a MIG slice: memory, no utilisation
        "nodes": {"gpu-m01": node(None, {"0": 5000000000})},
        "total_time": 1800,
        "gpus": 1,
    },
}


if __name__ == "__main__":
    for job, summary in SUMMARIES.items():
        print(job, admin_comment(summary))
