"""A report counts runs, not jobs: a run of several jobs once per group, and runs that merely
share a name (in another cluster) as two, in every section."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from auditor import api
from tests.helpers.joblog import START, job, write_jobs

APRIL = START + timedelta(days=31)
IN_APRIL = {"submit_ts": APRIL, "start_ts": APRIL, "end_ts": APRIL + timedelta(hours=1)}


def _lab(tmp_path: Path) -> str:
    db = str(tmp_path / "runs.duckdb")
    jobs = [
        # run r1 of cluster lab: three jobs, the third a month later, by bob, failed
        job(1, run="r1", sweep="s", gpus=1.0),
        job(2, run="r1", sweep="s", gpus=1.0),
        job(3, run="r1", sweep="s", gpus=1.0, user_name="bob", state="FAILED", **IN_APRIL),
        job(4, run="r2", project="q", user_name="bob", gpus=1.0),
        # job 5 has no run (its job id is its run); job 6 names that run
        job(5, run=None, project="q", gpus=1.0),
        job(6, run="5", project="q", user_name="bob", gpus=1.0),
        # r1 again, in another cluster: another run
        job(7, uid="csv:lab2:7:0", cluster="lab2", run="r1", user_name="bob", gpus=1.0),
    ]
    write_jobs(db, jobs)
    return db


def _runs(rows: list[dict[str, object]]) -> dict[object, object]:
    return {r["group_key"]: (r["jobs"], r["runs"]) for r in rows}


def test_every_section_counts_distinct_runs(tmp_path: Path) -> None:
    r = api.report(db=_lab(tmp_path))
    # runs: lab/r1 (jobs 1, 2, 3), lab/r2 (4), lab/5 (5, 6), lab2/r1 (7)
    assert (r.totals["jobs"], r.totals["runs"]) == (7, 4)
    assert _runs(r.project_rows) == {"p": (4, 2), "q": (3, 2)}
    assert _runs(r.months) == {"2019-03": (6, 4), "2019-04": (1, 1)}
    assert _runs(r.users) == {"ann": (3, 2), "bob": (4, 4)}
    assert _runs(r.states) == {"COMPLETED": (6, 4), "FAILED": (1, 1)}
    assert _runs(r.gpu_models) == {"(none)": (7, 4)}
    sweep = [s for s in r.top_sweeps if s["group_key"] == "p/s"]
    assert [(s["jobs"], s["runs"]) for s in sweep] == [(3, 1)]
