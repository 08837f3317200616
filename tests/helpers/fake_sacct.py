"""A fake ``sacct`` for sync tests: a script that answers -S/-E windows from a "cluster
truth" file as slurmdbd would, and the truth's own totals to compare the database with.

A job is listed when it was submitted in [S, E] or ran at some point in it (with its
.batch step when it started), as it stood at E: PENDING before its start, RUNNING with no
End until its end, then its final state. Times are epoch seconds; the script refuses to run
without SLURM_TIME_FORMAT=%s and TZ=UTC, as a sync must give them.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class TruthJob:
    job_id: int
    submit: int  # epoch seconds, UTC
    start: int | None
    end: int | None  # None: still running at the end of time
    gpus: int
    state: str = "COMPLETED"  # its state once ended
    account: str = "vision"
    cluster: str = "lisa"


def truth_gpu_hours(jobs: list[TruthJob], until: int) -> float:
    """GPU-hours of the truth's jobs that started by ``until``, each up to its end (or
    ``until`` while it runs on)."""
    return sum(
        j.gpus * (min(j.end if j.end is not None else until, until) - j.start) / 3600
        for j in jobs
        if j.start is not None and j.start <= until
    )


SCRIPT = r"""#!{python}
import json, os, sys
from pathlib import Path

here = Path(__file__).parent
calls = here / "calls.log"
with calls.open("a") as fh:
    fh.write(" ".join(sys.argv[1:]) + "\n")
number = len(calls.read_text().splitlines())
fail = here / "fail_on"
if fail.exists() and number in [int(x) for x in fail.read_text().split()]:
    sys.stderr.write("sacct: error: Problem talking to the database: Connection refused\n")
    sys.exit(1)
if os.environ.get("SLURM_TIME_FORMAT") != "%s" or os.environ.get("TZ") != "UTC":
    sys.stderr.write("fake sacct: SLURM_TIME_FORMAT=%s and TZ=UTC expected\n")
    sys.exit(2)
delay = here / "delay"
if delay.exists():
    import time
    time.sleep(float(delay.read_text()))
args = sys.argv[1:]
def value(flag):
    return args[args.index(flag) + 1]
import calendar, time
def epoch(text):
    return calendar.timegm(time.strptime(text, "%Y-%m-%dT%H:%M:%S"))
lo, hi = epoch(value("-S")), epoch(value("-E"))
cluster = value("-M") if "-M" in args else None
fields = [a for a in args if a.startswith("--format=")][0][len("--format="):].split(",")
jobs = json.loads((here / "truth.json").read_text())
print("|".join(fields))
for j in jobs:
    if cluster and j["cluster"] != cluster:
        continue
    ran = j["start"] is not None and j["start"] <= hi and (j["end"] is None or j["end"] >= lo)
    if not (ran or lo <= j["submit"] <= hi):
        continue
    started = j["start"] is not None and j["start"] <= hi
    ended = started and j["end"] is not None and j["end"] <= hi
    state = j["state"] if ended else ("RUNNING" if started else "PENDING")
    elapsed = ((j["end"] if ended else hi) - j["start"]) if started else 0
    tres = f"billing=1,cpu=8,gres/gpu={{j['gpus']}},mem=64G,node=1" if started else ""
    row = {{
        "Cluster": j["cluster"], "JobID": str(j["job_id"]), "JobIDRaw": str(j["job_id"]),
        "User": "ana", "Account": j["account"], "State": state, "ExitCode": "0:0",
        "Submit": str(j["submit"]),
        "Start": str(j["start"]) if started else "Unknown",
        "End": str(j["end"]) if ended else "Unknown",
        "ElapsedRaw": str(elapsed), "NNodes": "1", "NCPUS": "8", "AllocTRES": tres,
        "JobName": "train",
    }}
    print("|".join(row.get(f, "") for f in fields))
    if started:
        step = dict(row, JobID=f"{{j['job_id']}}.batch", JobIDRaw=f"{{j['job_id']}}.batch",
                    Account="", JobName="batch", AllocTRES=tres.replace("billing=1,", ""))
        print("|".join(step.get(f, "") for f in fields))
"""


def write_fake_sacct(folder: Path, jobs: list[TruthJob]) -> Path:
    """The fake sacct in ``folder`` (its truth, its call log), ready to run; returns its path.
    ``folder / "fail_on"`` (call numbers, 1-based) makes those calls fail as slurmdbd down
    does; ``folder / "delay"`` (seconds) makes each call that slow."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "truth.json").write_text(json.dumps([asdict(j) for j in jobs]), "utf-8")
    path = folder / "sacct"
    path.write_text(SCRIPT.format(python=sys.executable), "utf-8")
    path.chmod(0o755)
    return path


def calls(folder: Path) -> list[str]:
    """The argument lines the fake sacct was called with, in order."""
    log = folder / "calls.log"
    return log.read_text("utf-8").splitlines() if log.exists() else []
