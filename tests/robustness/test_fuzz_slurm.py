"""Hypothesis-generated sacct text and JSON: ingested correctly or rejected with a clear
FILE:LINE error, never a traceback, never a half-written database."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, example, given, settings, strategies as st

from auditor import api
from tests.helpers.db import db_state
from tests.helpers.fuzz import examples
from tests.helpers.paths import SLURM
from tests.helpers.robustness import check_outcome

FIELDS = ["JobID", "JobIDRaw", "User", "Account", "State", "Submit", "Start", "End",
          "ElapsedRaw", "NCPUS", "AllocTRES", "JobName"]  # fmt: skip

nasty_text = st.text(
    alphabet=st.sampled_from([*"ab|'\"\\;,=:.-_ \t", "é", "日", "\u2028", "%", "0", "9"]),
    max_size=12,
)
numberish = st.one_of(
    st.integers(-(10**20), 10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["", "Unknown", "None", "0", "00:00:00", "1-00:00:00", "x"]),
)
timeish = st.one_of(
    st.sampled_from(
        [
            "Unknown",
            "None",
            "",
            "2024-01-01T00:00:00",
            "2024-13-40T99:00:00",
            "1700000000",
            "0",
            "-5",
            "2024-01-01T00:00:00+02:00",
        ]
    ),
    nasty_text,
)
jobid = st.one_of(
    st.integers(1, 10**12).map(str),
    st.tuples(st.integers(1, 999), st.integers(0, 99)).map(lambda t: f"{t[0]}_{t[1]}"),
    st.integers(1, 99).map(lambda i: f"{i}.batch"),
    st.integers(1, 99).map(lambda i: f"{i}+1"),
    st.integers(1, 99).map(lambda i: f"{i}_[1-5%2]"),
    nasty_text,
)
tres = st.one_of(
    st.integers(-3, 10**6).map(lambda g: f"cpu=1,gres/gpu={g},mem=4G"),
    st.sampled_from(["", "gres/gpu:a100=2", "gres/gpu=x", "cpu=1,gres/gpu:1g.10gb=1", "=,="]),
    nasty_text,
)
row = st.fixed_dictionaries(
    {
        "JobID": jobid,
        "JobIDRaw": st.one_of(st.just(""), st.integers(1, 10**6).map(str)),
        "User": nasty_text,
        "Account": nasty_text,
        "State": st.sampled_from(["COMPLETED", "RUNNING", "CANCELLED by 5", "", "weird"]),
        "Submit": timeish,
        "Start": timeish,
        "End": timeish,
        "ElapsedRaw": numberish,
        "NCPUS": numberish,
        "AllocTRES": tres,
        "JobName": nasty_text,
    }
)


@settings(max_examples=examples(10), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(row, min_size=1, max_size=6), st.booleans(), st.booleans())
def test_text_rows(rows: list[dict[str, str]], truncate: bool, skip: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "f.duckdb")
        api.ingest_slurm([str(SLURM / "hetjob.psv")], db=db, tz="UTC")
        before = db_state(db)
        dump = Path(tmp) / "fuzz.txt"
        body = "\n".join("|".join(r[f] for f in FIELDS) for r in rows)
        if truncate:
            body = body[: max(1, len(body) * 2 // 3)]
        dump.write_text("|".join(FIELDS) + "\n" + body + "\n", encoding="utf-8")
        check_outcome(
            db,
            dump,
            before,
            lambda: api.ingest_slurm([str(dump)], db=db, tz="UTC", skip_bad_rows=skip),
        )


json_value = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(2**63), 2**64), st.text(max_size=5)),
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
json_job = st.fixed_dictionaries(
    {
        "job_id": st.one_of(st.integers(-5, 10**9), st.text(max_size=4), json_value),
        "state": st.one_of(
            st.fixed_dictionaries({"current": st.sampled_from(["COMPLETED", ["RUNNING"], 3])}),
            json_value,
        ),
        "time": st.one_of(
            st.fixed_dictionaries(
                {
                    "start": st.one_of(st.integers(-1, 2**40), json_value),
                    "end": st.integers(-1, 2**40),
                    "elapsed": st.one_of(st.integers(-10, 10**7), json_value),
                    "submission": st.integers(0, 2**40),
                }
            ),
            json_value,
        ),
        "tres": st.one_of(
            st.fixed_dictionaries(
                {
                    "allocated": st.lists(
                        st.fixed_dictionaries(
                            {
                                "type": st.sampled_from(["gres", "cpu", "mem"]),
                                "name": st.sampled_from(["gpu", "gpu:a100", None, ""]),
                                "count": st.one_of(st.integers(-2, 64), json_value),
                            }
                        ),
                        max_size=3,
                    )
                }
            ),
            json_value,
        ),
        "array": json_value,
        "het": json_value,
        "steps": st.one_of(st.just([]), json_value),
    }
)


HUGE_EPOCH_JOB = {
    "job_id": 5,
    "state": {"current": "COMPLETED"},
    "time": {"start": 2**62, "end": 2**62 + 10, "elapsed": 10, "submission": 2**62},
    "tres": {"allocated": []},
    "array": None,
    "het": None,
    "steps": [],
}


@settings(max_examples=examples(10), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(json_job, max_size=4), st.booleans())
@example([HUGE_EPOCH_JOB], False)
def test_json_jobs(jobs: list[dict[str, Any]], skip: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "f.duckdb")
        api.ingest_slurm([str(SLURM / "hetjob.psv")], db=db, tz="UTC")
        before = db_state(db)
        dump = Path(tmp) / "fuzz.json"
        dump.write_text(json.dumps({"meta": {}, "jobs": jobs}))
        check_outcome(
            db,
            dump,
            before,
            lambda: api.ingest_slurm([str(dump)], db=db, tz="UTC", skip_bad_rows=skip),
        )
