"""Hypothesis-generated AdminComment (jobstats) and TRESUsageIn* values: ingested, or
rejected with one FILE:LINE sentence and the database as it was; never a traceback, never
a utilisation outside 0..1 from jobstats."""

from __future__ import annotations

import base64
import gzip
import json
import tempfile
from pathlib import Path
from typing import Any

import duckdb
from hypothesis import HealthCheck, example, given, settings, strategies as st

from auditor import api
from tests.helpers.db import db_state
from tests.helpers.fuzz import examples
from tests.helpers.jobstats import admin_comment, node
from tests.helpers.paths import SLURM
from tests.helpers.robustness import check_outcome

json_value = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**63), 2**64),
        st.floats(allow_nan=False),
        st.text(max_size=5),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
numbers = st.one_of(st.floats(-10, 1000), st.integers(-5, 2**64), st.text(max_size=3))
summary = st.fixed_dictionaries(
    {
        "nodes": st.dictionaries(
            st.text(max_size=6),
            st.builds(
                node,
                st.one_of(st.none(), st.dictionaries(st.sampled_from("0123"), numbers)),
                st.dictionaries(st.sampled_from("0123"), numbers),
            ),
            max_size=3,
        )
    }
)
raw_bytes = st.binary(max_size=40)
comment = st.one_of(
    summary.map(admin_comment),
    json_value.map(admin_comment),
    raw_bytes.map(lambda b: "JS1:" + base64.b64encode(gzip.compress(b)).decode()),
    raw_bytes.map(lambda b: "JS1:" + base64.b64encode(b).decode()),
    st.tuples(summary.map(admin_comment), st.integers(5, 200)).map(lambda t: t[0][: t[1]]),
    st.text(alphabet=st.sampled_from([*"JS1:H4sI+/=ab", "\u00e9", " "]), max_size=30),
    st.sampled_from(["", "JS1:", "JS1:Short", "JS1:None", " JS1:None "]),
)
usage = st.one_of(
    st.sampled_from(["", "energy=0", "gres/gpuutil=", "gres/gpumem=1.5Q", "gres/gpuutil=-1"]),
    st.tuples(numbers, st.sampled_from(["", "K", "M", "G", "x"]), numbers).map(
        lambda t: f"cpu=00:01:00,gres/gpumem={t[0]}{t[1]},gres/gpuutil={t[2]}"
    ),
)
HEADER = (
    "JobID|JobIDRaw|Account|Submit|ElapsedRaw|AllocTRES|TRESUsageInTot|TRESUsageInMax|AdminComment"
)
ONE_GPU = "cpu=1,gres/gpu=1,node=1"
MIG = "cpu=1,gres/gpu:a100_1g.10gb=1,node=1"


def check_sane(db: str) -> None:
    con = duckdb.connect(db, read_only=True)
    try:
        rows = con.execute("SELECT gpu_util, gpu_util_peak, gpu_mem_gb FROM jobs").fetchall()
    finally:
        con.close()
    for mean, peak, mem in rows:
        assert mean is None or 0 <= mean <= 1
        assert peak is None or peak >= 0
        assert mem is None or mem >= 0


@settings(max_examples=examples(15), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(comment, usage, usage, st.booleans()), min_size=1, max_size=6),
    st.booleans(),
)
@example([("JS1:" + base64.b64encode(gzip.compress(b"{}\r\n{}")).decode(), "", "", False)], True)
def test_gpu_use_fields(rows: list[tuple[str, str, str, bool]], skip: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "f.duckdb")
        api.ingest_slurm([str(SLURM / "hetjob.psv")], db=db, tz="UTC")
        before = db_state(db)
        dump = Path(tmp) / "fuzz.psv"
        lines = [HEADER]
        for i, (text, tot, mx, mig) in enumerate(rows, start=1):
            tres = MIG if mig else ONE_GPU
            # a '|' or a line break in the comment is the dump's own problem, not jobstats'
            text = text.replace("|", "").replace("\n", "").replace("\r", "")
            lines.append(f"{i}|{i}|p|2024-01-01T00:00:00|3600|{tres}|||{text}")
            lines.append(f"{i}.0|{i}.0|p|2024-01-01T00:00:00|3600|{tres}|{tot}|{mx}|")
        dump.write_text("\n".join(lines) + "\n", encoding="utf-8")
        check_outcome(
            db,
            dump,
            before,
            lambda: api.ingest_slurm([str(dump)], db=db, tz="UTC", skip_bad_rows=skip),
        )
        check_sane(db)


@settings(max_examples=examples(8), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.one_of(comment, json_value), json_value), max_size=4))
def test_gpu_use_in_json(jobs: list[tuple[Any, Any]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "f.duckdb")
        api.ingest_slurm([str(SLURM / "hetjob.psv")], db=db, tz="UTC")
        before = db_state(db)
        dump = Path(tmp) / "fuzz.json"
        doc = {
            "jobs": [
                {
                    "job_id": i + 1,
                    "time": {"submission": 1700000000, "elapsed": 60},
                    "tres": {"allocated": [{"type": "gres", "name": "gpu", "count": 1}]},
                    "comment": {"administrator": admin},
                    "steps": [
                        {"step": {"id": f"{i + 1}.0"}, "tres": {"requested": {"total": tot}}}
                    ],
                }
                for i, (admin, tot) in enumerate(jobs)
            ]
        }
        dump.write_text(json.dumps(doc))
        check_outcome(db, dump, before, lambda: api.ingest_slurm([str(dump)], db=db, tz="UTC"))
        check_sane(db)
