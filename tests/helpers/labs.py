"""Two small labs whose figures are easy to write down, used by tests of more than one area."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from auditor import api
from tests.helpers.joblog import job

# -- sacct: three V100 jobs in three months -------------------------------------------------

HEADER = (
    "JobID|JobIDRaw|User|Account|State|Submit|Start|End|ElapsedRaw|NCPUS|ReqMem|AllocTRES|JobName"
)
LAB = [
    # 2 V100 x 1 h, completed in January
    "1|1|ann|nlp|COMPLETED|2024-01-15T10:00:00|2024-01-15T10:00:00|2024-01-15T11:00:00|3600|4|16G"
    "|cpu=4,mem=16G,gres/gpu:v100=2|train",
    # 1 V100 x 2 h, failed in February
    "2|2|bob|nlp|FAILED|2024-02-10T08:00:00|2024-02-10T08:00:00|2024-02-10T10:00:00|7200|4|16G"
    "|cpu=4,mem=16G,gres/gpu:v100=1|sweep-a",
    # 4 V100 x 0.5 h, cancelled on 1 March
    "3|3|bob|vision|CANCELLED by 42|2024-03-01T12:00:00|2024-03-01T12:00:00|2024-03-01T12:30:00"
    "|1800|8|32G|cpu=8,mem=32G,gres/gpu:v100=4|big",
]


def lab_db(tmp_path: Path, lines: list[str] = LAB) -> str:
    dump = tmp_path / "lab.psv"
    dump.write_text("\n".join([HEADER, *lines]) + "\n")
    db = str(tmp_path / "lab.duckdb")
    api.ingest_slurm([str(dump)], db=db, tz="UTC")
    return db


# -- jobs left out of totals -----------------------------------------------------------------

# Four running jobs holding 56,839 GPU-hours so far, as found in a real lab's dump: they must
# not vanish from a total without a word. 8 GPUs each, elapsed time as of the dump.
RUNNING_HOURS = (2000, 14839 / 8, 1500, 1750)


def running_lab() -> list[dict[str, Any]]:
    done = [
        job(1, gpus=1, gpu_model="V100", hours=10, sweep="s"),
        job(2, gpus=2, gpu_model="V100", hours=3, sweep="s"),
        job(3, gpus=1, gpu_model="V100", hours=5, project="other"),
    ]
    running = [
        job(
            10 + i,
            gpus=8,
            gpu_model="A100",
            hours=h,
            state="RUNNING",
            running=True,
            end_ts=None,
            sweep="big",
        )
        for i, h in enumerate(RUNNING_HOURS)
    ]
    running[-1]["project"] = "other"
    return done + running
