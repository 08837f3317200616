"""Hypothesis-generated CSV job logs: ingested correctly or rejected with a clear FILE:LINE
error, never a traceback, never a half-written database."""

from __future__ import annotations

import shutil
import tempfile
from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings, strategies as st

from auditor import api
from tests.helpers.db import db_state
from tests.helpers.fuzz import examples
from tests.helpers.paths import ROOT
from tests.helpers.robustness import check_outcome

HEADERS = ["job_id", "project", "sweep", "start", "end", "hours", "n_gpus", "gpu_model",
           "energy_kwh", "note"]  # fmt: skip

nasty = st.text(
    alphabet=st.sampled_from([*"ab,;\t\"'\\=:.-_ \r\n", "é", "日", "\u2028", "\ufeff", "0", "9"]),
    max_size=10,
)
value = st.one_of(
    nasty,
    st.integers(-(10**20), 10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(
        [
            "",
            "2024-01-01T00:00:00",
            "2024-13-40T99:00:00",
            "1700000000",
            "-5",
            "2024-01-01T00:00:00+02:00",
            "1-02:03:04",
            "A100",
            "2 x NVIDIA A100",
        ]
    ),
)


@cache
def base_db() -> str:
    """A database holding one earlier ingest, made once and copied for each example."""
    path = str(Path(tempfile.mkdtemp()) / "base.duckdb")
    api.ingest_csv([str(ROOT / "fixtures" / "csv" / "codecarbon-2.x.csv")], db=path, tz="UTC")
    return path


def quote(v: str, delim: str) -> str:
    if any(c in v for c in (delim, '"', "\n", "\r")):
        return '"' + v.replace('"', '""') + '"'
    return v


# the usual header, or a shuffled one with repeated, blank and codecarbon names
headers = st.one_of(
    st.just(HEADERS),
    st.lists(
        st.sampled_from([*HEADERS, "gpus", "", "note", "energy_scope", "Run ID", "emissions_rate"]),
        min_size=1,
        max_size=8,
    ),
)


@settings(max_examples=examples(20), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    headers,
    st.lists(st.lists(value, min_size=1, max_size=10), min_size=1, max_size=5),
    st.sampled_from([",", ";", "\t"]),
    st.booleans(),
    st.booleans(),
    st.booleans(),
)
# an empty header name makes the first data line look like the header: a quoted carriage
# return in it once crashed the delimiter sniffing
@example([""], [["", "\r"]], ",", False, False, False)
def test_csv_rows(
    header: list[str],
    rows: list[list[str]],
    delim: str,
    mangle: bool,
    crlf: bool,
    skip: bool,
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "f.duckdb")
        shutil.copy(base_db(), db)
        before = db_state(db)
        newline = "\r\n" if crlf else "\n"
        body = newline.join(delim.join(quote(v, delim) for v in r) for r in rows)
        if mangle:  # cut it anywhere, even inside a quoted field
            body = body[: max(1, len(body) * 2 // 3)]
        path = Path(tmp) / "fuzz.csv"
        text = delim.join(header) + newline + body + newline
        path.write_text(text, encoding="utf-8")
        check_outcome(
            db,
            path,
            before,
            lambda: api.ingest_csv([str(path)], db=db, tz="UTC", skip_bad_rows=skip),
        )
