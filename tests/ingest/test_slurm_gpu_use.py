"""GPU use from Slurm: step gres/gpuutil and gres/gpumem (a peak and memory), Princeton
jobstats summaries in AdminComment (a time-averaged mean and memory). Expected values are
arithmetic on the fixture's inputs (fixtures/slurm/gpu-use/README.md)."""

from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from auditor import api
from auditor.errors import InputError
from tests.helpers.db import db_state, job_rows
from tests.helpers.jobstats import GIB, SUMMARIES, admin_comment, decode, node
from tests.helpers.paths import SLURM

GPU_USE = SLURM / "gpu-use"
COLUMNS = ("gpu_util", "gpu_util_from", "gpu_util_peak", "gpu_peak_from", "gpu_mem_gb",
           "gpu_mem_from")  # fmt: skip
TOT, MAX = "sacct TRESUsageInTot", "sacct TRESUsageInMax"
MIB = 1024**2

# per job: gpu_util, its source, gpu_util_peak, its source, gpu_mem_gb, its source
EXPECTED: dict[str, tuple[Any, ...]] = {
    # the step with the highest summed peak (.0: four tasks), over 100 x 4 GPUs
    "901": (None, None, 396 / (100 * 4), TOT, 72532 * MIB / GIB, TOT),
    # jobstats: the mean over its GPUs, the sum of their memory (it wins over sacct's)
    "902": (
        (72.4 + 10.0) / 2 / 100,
        "jobstats",
        180 / (100 * 2),
        TOT,
        (40000000000 + 1000000000) / GIB,
        "jobstats",
    ),
    "903": (
        (90.0 + 80.0 + 70.0 + 60.5) / 4 / 100,
        "jobstats",
        None,
        None,
        (30000000000 + 20000000000 + 10000000000 + 5000000000) / GIB,
        "jobstats",
    ),
    # a MIG slice: no utilisation anywhere, memory from jobstats only
    "904": (None, None, None, None, 5000000000 / GIB, "jobstats"),
    "905": (None, None, 85 / (100 * 1), MAX, 10 * GIB / GIB, MAX),  # JS1:Short; InMax only
    "906": (None, None, None, None, None, None),  # JS1:None, no GPUs
    "907": (None, None, 0 / (100 * 1), TOT, 0.0, TOT),  # a peak of 0: never busy
    "908": (None, None, 70 / (100 * 1), TOT, 3 * GIB / GIB, TOT),  # AdminComment not jobstats
    "909": (None, None, None, None, None, None),  # MIG: sacct's figures are not read
}


def gpu_use(db: str) -> dict[str, tuple[Any, ...]]:
    return {run: tuple(r[c] for c in COLUMNS) for run, r in job_rows(db).items()}


def approx(rows: dict[str, tuple[Any, ...]]) -> dict[str, tuple[Any, ...]]:
    return {
        k: tuple(pytest.approx(v) if isinstance(v, float) else v for v in row)
        for k, row in rows.items()
    }


def test_fixture_payloads_are_the_summaries() -> None:
    lines = (GPU_USE / "sacct.psv").read_text().splitlines()
    header = lines[0].split("|")
    at, job = header.index("AdminComment"), header.index("JobID")
    found = {
        cells[job]: decode(cells[at])
        for cells in (line.split("|") for line in lines[1:])
        if cells[at].startswith("JS1:H4sI")
    }
    assert found == SUMMARIES
    jobs = json.loads((GPU_USE / "sacct.json").read_text())["jobs"]
    assert {
        str(j["job_id"]): decode(j["comment"]["administrator"])
        for j in jobs
        if (j["comment"]["administrator"] or "").startswith("JS1:H4sI")
    } == SUMMARIES


@pytest.mark.parametrize("name", ["sacct.psv", "sacct.json"])
def test_peak_mean_and_memory_with_their_sources(db: str, name: str) -> None:
    api.ingest_slurm([str(GPU_USE / name)], db=db, tz="UTC")
    assert gpu_use(db) == approx(EXPECTED)


def test_text_and_json_give_the_same_rows(db: str, tmp_path: Path) -> None:
    other = str(tmp_path / "json.duckdb")
    api.ingest_slurm([str(GPU_USE / "sacct.psv")], db=db, tz="UTC")
    api.ingest_slurm([str(GPU_USE / "sacct.json")], db=other, tz="UTC")
    # the fields both dumps hold (the text one has no Partition, NCPUS, TotalCPU, MaxRSS)
    keep = {"uid", "project", "state", "elapsed_s", "gpus", "gpu_model", *COLUMNS}

    def rows(path: str) -> dict[str, dict[str, Any]]:
        return {k: {c: v for c, v in r.items() if c in keep} for k, r in job_rows(path).items()}

    assert rows(db) == rows(other)
    assert len(rows(db)) == len(EXPECTED)


def test_dump_without_the_fields_has_no_gpu_use(db: str) -> None:
    api.ingest_slurm([str(SLURM / "typed-gpus.psv")], db=db, tz="UTC")
    # 805's AllocTRES holds gres/gpuutil=80: an allocation's TRES, never a measurement
    assert set(gpu_use(db).values()) == {(None,) * 6}


def dump(tmp_path: Path, comments: list[str], name: str = "js.psv") -> Path:
    """A text dump of one-GPU jobs 1, 2, ... with these AdminComments."""
    path = tmp_path / name
    rows = [
        f"{i}|{i}|p|2024-01-01T00:00:00|3600|cpu=1,gres/gpu=1,node=1|{c}|job{i}"
        for i, c in enumerate(comments, start=1)
    ]
    head = "JobID|JobIDRaw|Account|Submit|ElapsedRaw|AllocTRES|AdminComment|JobName"
    path.write_text("\n".join([head, *rows]) + "\n")
    return path


def one_gpu(util: float, used: int) -> dict[str, Any]:
    return {"nodes": {"n1": node({"0": util}, {"0": used})}, "total_time": 3600, "gpus": 1}


def js1(raw: bytes) -> str:
    return "JS1:" + base64.b64encode(raw).decode()


BAD = {
    "not base64": "JS1:!!not*base64",
    "base64, not gzip": js1(b'{"nodes": {}}'),
    "gzip cut short": js1(gzip.compress(json.dumps(one_gpu(50.0, 1)).encode())[:25]),
    "gzip of text that is not JSON": js1(gzip.compress(b"nodes: 3")),
    "gzip of bytes that are not UTF-8": js1(gzip.compress(b'{"nodes": "\xff\xfe"}')),
    "JSON without nodes": js1(gzip.compress(b"[1, 2]")),
    "two lines of JSON": js1(gzip.compress(b'{"nodes": {}}\n{"nodes": {}}')),
    "a utilisation that is not a number": admin_comment(
        {"nodes": {"n1": {"gpu_utilization": {"0": "busy"}}}}
    ),
}


@pytest.mark.parametrize("what", list(BAD))
def test_a_malformed_payload_is_a_bad_row(db: str, tmp_path: Path, what: str) -> None:
    api.ingest_slurm([str(SLURM / "hetjob.psv")], db=db, tz="UTC")
    before = db_state(db)
    path = dump(tmp_path, [admin_comment(one_gpu(50.0, GIB)), BAD[what], "JS1:None"])
    with pytest.raises(InputError) as err:
        api.ingest_slurm([str(path)], db=db, tz="UTC")
    text = str(err.value)
    assert text.startswith(f"{path}:3: AdminComment ") and "jobstats" in text, text
    assert "(column AdminComment)" in text and "--skip-bad-rows" in text
    assert "\n" not in text
    assert db_state(db) == before


def test_skip_bad_rows_keeps_each_good_summary_on_its_own_job(db: str, tmp_path: Path) -> None:
    # bad payloads between good ones: each good job still gets its own figures
    good = {i: one_gpu(10.0 * i, i * GIB) for i in (1, 3, 4, 6, 9, 10)}
    bad = dict(zip((2, 5, 7, 8), list(BAD.values())[1:5], strict=True))
    comments = [admin_comment(good[i]) if i in good else bad[i] for i in range(1, 11)]
    path = dump(tmp_path, comments)
    out = api.ingest_slurm([str(path)], db=db, tz="UTC", skip_bad_rows=True)
    assert out.report.rows_skipped == len(bad)
    assert [str(s.line) for s in out.skipped] == [str(i + 1) for i in sorted(bad)]
    rows = job_rows(db)
    assert set(rows) == {str(i) for i in good}
    for i in good:
        assert rows[str(i)]["gpu_util"] == pytest.approx(10.0 * i / 100)
        assert rows[str(i)]["gpu_mem_gb"] == pytest.approx(i * GIB / GIB)


def test_json_dump_names_the_job_of_a_bad_payload(db: str, tmp_path: Path) -> None:
    doc = json.loads((GPU_USE / "sacct.json").read_text())
    doc["jobs"][3]["comment"]["administrator"] = BAD["base64, not gzip"]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(InputError) as err:
        api.ingest_slurm([str(path)], db=db, tz="UTC")
    assert str(err.value).startswith(f"{path}:jobs[3]: AdminComment ")


def test_many_summaries_decoded_in_order(db: str, tmp_path: Path) -> None:
    # more payloads than one vector or batch: the mean of job i is its own
    n = 5000
    comments = [admin_comment(one_gpu(i % 1000 / 10, i)) for i in range(1, n + 1)]
    api.ingest_slurm([str(dump(tmp_path, comments))], db=db, tz="UTC")
    rows = job_rows(db)
    assert len(rows) == n
    assert all(
        rows[str(i)]["gpu_util"] == pytest.approx(i % 1000 / 10 / 100) for i in range(1, n + 1)
    )
    assert all(rows[str(i)]["gpu_mem_gb"] == pytest.approx(i / GIB) for i in range(1, n + 1))


def test_cpu_time_and_memory_used_from_tres_usage(db: str) -> None:
    """The text dump has no TotalCPU or MaxRSS: its steps' TRESUsageInTot cpu and mem stand in."""
    api.ingest_slurm([str(GPU_USE / "sacct.psv")], db=db, tz="UTC")
    row = job_rows(db)["901"]
    # three steps of cpu=00:10:00 over 16 CPUs for 3600 s; each step's mem=4194304K
    assert row["cpu_util"] == pytest.approx(3 * 600 / (16 * 3600))
    assert row["max_rss_gb"] == pytest.approx(4194304 / 1024**2)
