"""What scripts/slurm-sandbox submits, and the figures that must come out of its dumps.

Written from the submission commands (sbatch/srun options and the ``sleep`` in each job),
never from sacct's output; keep it in step with ``submit_workload`` in the script.

Durations are only approximately controlled. Slurm stores Start and End as whole seconds, so
a job that runs N seconds shows an Elapsed of N or N + 1 even with no overhead at all, and
never less than N (the allocation starts before the script and ends after it). Launching
(the ``.extern`` step, the batch shell, ``srun``) and tearing down add a few hundred
milliseconds on a loaded two-core machine, and the cancelling helper polls every 0.2 s
before its 3 s wait. ``SLACK_S = 2`` allows one second of rounding plus one of overhead per
job; the runs made while writing this showed N or N + 1 every time.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

SLACK_S = 2  # see the module docstring
CLUSTER = "sandbox"
GPU_MODEL = "a100"


@dataclass(frozen=True)
class Submitted:
    key: str  # the name scripts/slurm-sandbox gives it in jobs.txt
    job_name: str
    user: str
    account: str
    gpus: int  # GPUs asked for, per allocation
    seconds: int  # nominal run time: the sleeps in the command, or the wait before scancel
    state: str = "COMPLETED"  # first word of the allocation's State
    allocations: int = 1  # array tasks or het components
    started: bool = True

    @property
    def gpu_seconds(self) -> tuple[int, int]:
        """Lowest and highest GPU-seconds all its allocations can show."""
        if not self.started:
            return 0, 0
        n = self.gpus * self.allocations
        return n * self.seconds, n * (self.seconds + SLACK_S)


WORKLOAD: tuple[Submitted, ...] = (
    Submitted("cpu", "cpu-only", "alice", "nlp", gpus=0, seconds=3),
    Submitted("gpu_typed", "train-typed", "alice", "nlp", gpus=2, seconds=4),  # gpu:a100:2
    Submitted("gpu_untyped", "train-untyped", "bob", "vision", gpus=1, seconds=4),  # --gpus=1
    Submitted("failed", "fails", "bob", "vision", gpus=1, seconds=2, state="FAILED"),
    # afterok on the failed job: kill_invalid_depend cancels it before it is ever eligible.
    Submitted(
        "never_started",
        "after-fails",
        "bob",
        "vision",
        gpus=1,
        seconds=0,
        state="CANCELLED",
        started=False,
    ),
    Submitted("array", "sweep", "alice", "vision", gpus=1, seconds=3, allocations=3),
    Submitted("cancelled", "cancelled", "alice", "nlp", gpus=1, seconds=3, state="CANCELLED"),
    # srun sleep 2, then srun sh -c 'sleep 1; exit 7' as the script's last command.
    Submitted("multistep", "multistep", "alice", "nlp", gpus=1, seconds=2 + 1, state="FAILED"),
    Submitted("pipe", "pipe", "alice", "nlp", gpus=1, seconds=2),  # --wrap 'echo ... | tee ...'
    Submitted("interactive", "interactive", "bob", "vision", gpus=2, seconds=3),  # srun
    # Two components; a het job never starts on one node (PENDING, reason Resources).
    Submitted(
        "het",
        "het",
        "alice",
        "nlp",
        gpus=1,
        seconds=0,
        state="CANCELLED",
        allocations=2,
        started=False,
    ),
)

BY_KEY = {job.key: job for job in WORKLOAD}

# Submitted after the dumps when the sandbox also syncs (its sync.txt): `long` runs through the
# first sync, with sacct and then through slurmrestd (25 s leaves room for both on a loaded
# machine), `late` is submitted after it; both end before the second.
SYNC_EXTRA: tuple[Submitted, ...] = (
    Submitted("long", "long", "alice", "nlp", gpus=1, seconds=25),
    Submitted("late", "late", "bob", "vision", gpus=2, seconds=2),  # --gpus=2
)


def gpu_seconds_by(field: str) -> dict[str, tuple[int, int]]:
    """GPU-seconds (lowest, highest) per ``account`` or ``user``."""
    out: dict[str, tuple[int, int]] = {}
    for job in WORKLOAD:
        low, high = job.gpu_seconds
        key = getattr(job, field)
        old = out.get(key, (0, 0))
        out[key] = (old[0] + low, old[1] + high)
    return out


def allocations_by(field: str) -> dict[str, int]:
    """Allocation rows (jobs, array tasks, het components) per ``account``, ``user``, ``state``."""
    counts: Counter[str] = Counter()
    for job in WORKLOAD:
        counts[getattr(job, field)] += job.allocations
    return dict(counts)


def total_gpu_seconds() -> tuple[int, int]:
    lows, highs = zip(*(job.gpu_seconds for job in WORKLOAD), strict=True)
    return sum(lows), sum(highs)


def submitted_ids(dump_dir: Path, name: str = "jobs.txt") -> dict[str, str]:
    """The job id sbatch or srun gave each workload entry, from the script's jobs.txt."""
    ids = {}
    for line in (dump_dir / name).read_text().splitlines():
        name, _, value = line.partition("=")
        if name.startswith("job."):
            ids[name.removeprefix("job.")] = value
    return ids
