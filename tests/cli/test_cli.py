"""The command line: every command and error path through typer's CliRunner."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest
import typer
from typer.testing import CliRunner

from auditor.cli import app
from auditor.errors import ExitCode
from tests.helpers.cli import run
from tests.helpers.db import db_state
from tests.helpers.joblog import write_jobs
from tests.helpers.labs import RUNNING_HOURS, running_lab
from tests.helpers.paths import SLURM

# footprint settings for the fixtures: summary needs a grid region and a model for every GPU
EXAMPLE = ("--config", str(SLURM.parent.parent / "examples" / "auditor.toml"))
FOOTPRINT_COLUMNS = [
    "energy_kwh",
    "co2e_kg",
    "cloud_cost_usd_low",
    "cloud_cost_usd_high",
    "electricity_cost_usd",
    "measured_share",
    "owned_cost_usd",
]
USE_COLUMNS = ["gpu_util", "util_coverage", "idle_gpu_hours", "unused_gpu_hours"]
EMBODIED_WATER_COLUMNS = ["embodied_kg", "co2e_total_kg", "water_l"]
SPLIT_COLUMNS = [f"energy_{part}_kwh" for part in ("gpu", "cpu", "mem", "overhead", "measured")]
WASTE_COLUMNS = [
    f"{kind}_{figure}"
    for kind in ("idle", "unused")
    for figure in ("energy_kwh", "co2e_kg", "cloud_cost_usd_low", "cloud_cost_usd_high")
]


def ingest(db: str, *files: str, extra: tuple[str, ...] = ()) -> tuple[int, str, str]:
    return run("ingest", "slurm", "--db", db, "--tz", "UTC", *extra, *files)


def test_ingest_then_summary_json(db: str) -> None:
    code, out, err = ingest(db, str(SLURM / "arrays.psv"), str(SLURM / "hetjob.psv"))
    assert code == 0, err
    assert out == ""  # stdout is for data only
    assert "15 rows read, 7 jobs added, 0 updated, 0 skipped" in err
    code, out, err = run("summary", "--db", db, "--by", "project", "--format", "json", *EXAMPLE)
    assert code == 0, err
    data = json.loads(out)
    assert [d["project"] for d in data] == ["nlp", "physics", "vision"]
    by = {d["project"]: d for d in data}
    assert by["vision"]["jobs"] == 4
    assert by["vision"]["gpu_hours"] == pytest.approx((7200 + 1800 + 86400 * 2) / 3600)
    assert by["physics"]["gpu_hours"] == pytest.approx((3600 * 1 + 3600 * 4) / 3600)


@pytest.mark.parametrize("by", ["project", "sweep", "run", "user", "month", "gpu_model", "state"])
def test_summary_keys_by_group_name(db: str, by: str) -> None:
    ingest(db, str(SLURM / "states.psv"))
    code, out, err = run("summary", "--db", db, "--by", by, "--format", "json", *EXAMPLE)
    assert code == 0, err
    data = json.loads(out)
    assert data and all(set(d) >= {by, "jobs", "gpu_hours"} for d in data)


def test_summary_csv_is_clean(db: str) -> None:
    ingest(db, str(SLURM / "states.psv"))
    code, out, err = run("summary", "--db", db, "--by", "user", "--format", "csv", *EXAMPLE)
    # the dump's one RUNNING job (2 GPUs for 1800 s so far) is named on stderr, never on stdout,
    # as the owned-hardware cost the example config gives no server price for
    assert code == 0
    assert err == (
        "auditor: owned_cost_usd left blank for 7 jobs, e.g. slurm:c2:1001:1717228800: no server "
        "price is set, and no table gives one. Set server_usd (USD per GPU server, its GPUs "
        "included) in [site] or [clusters.NAME]\n"
        f"auditor: 1 job is still running and not in these totals ({2 * 1800 / 3600:.2f} "
        "GPU-hours so far, up to the newest time their logs give); --include-running counts them\n"
    )
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["user"] for r in rows] == ["erin", "frank"]
    assert float(rows[1]["gpu_hours"]) == pytest.approx((360 + 720) / 3600)


def test_summary_markdown_and_table(db: str) -> None:
    ingest(db, str(SLURM / "states.psv"))
    code, out, _ = run("summary", "--db", db, "--format", "markdown", *EXAMPLE)
    header = ["project", "jobs", "gpu_hours", "gpu_equiv_hours", *USE_COLUMNS]
    header += [*FOOTPRINT_COLUMNS, *EMBODIED_WATER_COLUMNS, *SPLIT_COLUMNS, *WASTE_COLUMNS]
    assert code == 0 and out.splitlines()[0] == "| " + " | ".join(header) + " |"
    code, out, _ = run("summary", "--db", db, *EXAMPLE)
    assert code == 0 and out.splitlines()[0].split() == header


def test_jobs_filters_by_sweep(db: str) -> None:
    ingest(db, str(SLURM / "arrays.psv"))
    code, out, err = run("jobs", "--db", db, "--sweep", "7000", "--format", "json")
    assert code == 0, err
    assert sorted(j["run"] for j in json.loads(out)) == [
        "7000_1",
        "7000_2",
        "7000_3",
        "7000_[4-10%2]",
    ]


def test_db_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "env.duckdb"
    monkeypatch.setenv("AUDITOR_DB", str(target))
    code, _, err = run("ingest", "slurm", "--tz", "UTC", str(SLURM / "hetjob.psv"))
    assert code == 0, err
    assert target.exists()


def test_unknown_format_and_group(db: str) -> None:
    ingest(db, str(SLURM / "hetjob.psv"))
    code, out, err = run("summary", "--db", db, "--format", "yaml", *EXAMPLE)
    assert code == ExitCode.USAGE and out == ""
    assert err.startswith("auditor: error: unknown format 'yaml'. Try one of: csv, json")
    code, out, err = run("summary", "--db", db, "--by", "colour")
    assert code == ExitCode.USAGE and "Try one of: project, sweep" in err


def test_bad_row_leaves_database_unchanged(db: str, tmp_path: Path) -> None:
    ingest(db, str(SLURM / "states.psv"))
    before = db_state(db)
    bad = tmp_path / "dump.txt"
    bad.write_text("JobID|ElapsedRaw|AllocTRES|Account\n1|60|gres/gpu=1|p\n2|60|gres/gpu=x|p\n")
    code, out, err = ingest(db, str(bad))
    assert code == ExitCode.INPUT and out == ""
    assert err == (
        f"auditor: error: {bad}:3: AllocTRES 'gres/gpu=x' has a GPU count that is not a number "
        "(column AllocTRES). Fix the row, or use --skip-bad-rows to skip such rows.\n"
    )
    assert db_state(db) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"\x00\x01\x02binary", "is a binary file"),
        (b"JobID\n1\n", "has a single column"),
        (b"User|Account\nbob|lab\n", "is not sacct output: the first line has no JobID column"),
        (b"JobID|Account\n1|lab\n", "has no duration"),
        (b"JobID|ElapsedRaw\n1|60\n", "has no AllocTRES column"),
        (b"123|60|cpu=1\n", "has no header line"),
        (b"JobID|ElapsedRaw|AllocTRES\n1|60|cpu=1|extra\n", "the line has 4 fields, the header 3"),
        (b"JobID|ElapsedRaw|AllocTRES\n1|60\n", "the line has 2 fields, the header 3"),
        (b"JobID|ElapsedRaw|AllocTRES\nabc|60|cpu=1\n", "JobID 'abc' is not a Slurm job id"),
        (b"JobID|Start|ElapsedRaw|AllocTRES\n1|yesterday|60|cpu=1\n", "Start 'yesterday'"),
        (b"JobID|Elapsed|AllocTRES\n1|ten minutes|cpu=1\n", "Elapsed 'ten minutes'"),
        (
            b"JobID|Start|End|ElapsedRaw|AllocTRES\n1|2024-01-02T00:00:00|2024-01-01T00:00:00|0|cpu=1\n",
            "is before Start",
        ),
        (b'{"jobs": 3}', "is not sacct --json output"),
        (b"{not json", "is not sacct --json output"),
    ],
)
def test_not_sacct_one_clear_sentence(
    db: str, tmp_path: Path, content: bytes, message: str
) -> None:
    dump = tmp_path / "dump"
    dump.write_bytes(content)
    code, out, err = ingest(db, str(dump))
    assert code == ExitCode.INPUT, err
    assert out == ""
    assert err.startswith(f"auditor: error: {dump}") and message in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not Path(db).exists()


def test_missing_file_and_directory(db: str, tmp_path: Path) -> None:
    code, _, err = ingest(db, str(tmp_path / "nope.psv"))
    assert code == ExitCode.INPUT and "nope.psv: no such file" in err
    code, _, err = ingest(db, str(tmp_path))
    assert code == ExitCode.INPUT and "is a directory" in err


def test_latin1_dump_is_read(db: str, tmp_path: Path) -> None:
    dump = tmp_path / "latin1.psv"
    dump.write_bytes(
        "JobID|ElapsedRaw|AllocTRES|JobName\n1|3600|gres/gpu=1|caf\xe9\n".encode("latin-1")
    )
    code, _, err = ingest(db, str(dump))
    assert code == 0 and "not valid UTF-8" in err


def test_bad_timezone(db: str) -> None:
    code, _, err = run(
        "ingest", "slurm", "--db", db, "--tz", "Mars/Olympus", str(SLURM / "hetjob.psv")
    )
    assert code == ExitCode.USAGE and "not a time zone" in err


def test_fields_with_header_is_refused(db: str) -> None:
    code, _, err = ingest(db, str(SLURM / "hetjob.psv"), extra=("--fields", "xdmod"))
    assert code == ExitCode.USAGE and "--fields is only for headerless dumps" in err


def test_summary_without_database(tmp_path: Path) -> None:
    code, out, err = run("summary", "--db", str(tmp_path / "none.duckdb"))
    assert code == ExitCode.STORE and out == ""
    assert "no such database" in err


def test_not_an_auditor_database(tmp_path: Path) -> None:
    other = tmp_path / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute("CREATE TABLE t (x INTEGER)")
    con.close()
    code, _, err = ingest(str(other), str(SLURM / "hetjob.psv"))
    assert code == ExitCode.STORE and "not one auditor made" in err
    garbage = tmp_path / "garbage.duckdb"
    garbage.write_bytes(b"this is not a database" * 100)
    code, _, err = ingest(str(garbage), str(SLURM / "hetjob.psv"))
    assert code == ExitCode.STORE and "auditor: error:" in err and "Traceback" not in err


def test_database_from_newer_auditor(db: str) -> None:
    ingest(db, str(SLURM / "hetjob.psv"))
    con = duckdb.connect(db)
    con.execute("INSERT INTO schema_migrations (version, name) VALUES (999, 'future')")
    con.close()
    code, _, err = run("summary", "--db", db)
    assert code == ExitCode.STORE and "newer auditor" in err


@pytest.mark.parametrize("command", ["ingest", "summary"])
def test_locked_database_says_so(db: str, command: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUDITOR_LOCK_WAIT", "1")
    ingest(db, str(SLURM / "hetjob.psv"))
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, time; c = duckdb.connect({db!r}); print('ok', flush=True); "
            "time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ok"
        if command == "ingest":
            code, _, err = ingest(db, str(SLURM / "arrays.psv"))
        else:
            code, out, err = run("summary", "--db", db)
            assert out == ""
        assert code == ExitCode.STORE
        assert "is in use by another auditor" in err and "waiting for it" in err
        assert err.splitlines()[-1].startswith("auditor: error:")
    finally:
        holder.kill()
        holder.wait()
        assert holder.stdout is not None
        holder.stdout.close()


def test_help_does_not_import_heavy_modules() -> None:
    code = (
        "import sys; from auditor.cli import app; from typer.testing import CliRunner; "
        "CliRunner().invoke(app, ['--help']); "
        "print(sorted(m for m in ('mlflow', 'pandas', 'jinja2') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_second_ingest_waits_for_the_first(db: str, tmp_path: Path) -> None:
    ingest(db, str(SLURM / "hetjob.psv"))
    # the holder keeps the database until the second ingest says it waits, however slow the
    # machine: a fixed hold could end before the second ingest has parsed its file
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, sys; c = duckdb.connect({db!r}); print('ok', flush=True); "
            "sys.stdin.readline(); c.close()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ok"
        second = subprocess.Popen(
            [sys.executable, "-m", "auditor", "ingest", "slurm", "--db", db, "--tz", "UTC",
             str(SLURM / "arrays.psv")],
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        assert second.stderr is not None
        said = [second.stderr.readline()]
        while said[-1] and "waiting for it" not in said[-1]:
            said.append(second.stderr.readline())
        assert "waiting for it" in said[-1], said
    finally:
        holder.communicate("go\n", timeout=60)
    err = "".join(said) + second.communicate(timeout=120)[1]
    assert second.returncode == 0, err
    code, out, _ = run("summary", "--db", db, "--format", "csv", *EXAMPLE)
    assert code == 0
    assert "vision" in out and "physics" in out


def test_running_jobs_left_out_are_named_on_stderr_only(db: str, tmp_path: Path) -> None:
    write_jobs(db, running_lab())
    gpu_hours = sum(8 * h for h in RUNNING_HOURS)
    left_out = f"4 jobs are still running and not in these totals ({gpu_hours:,.2f} "
    for args in (
        ("summary", "--format", "csv"),
        ("summary", "--format", "csv", "--preset", "strubell2019"),
        ("rnd-table", "--project", "p", "--format", "csv", "--preset", "strubell2019"),
    ):
        code, out, err = run(*args, "--db", db)
        assert code == 0, err
        assert "still running" not in out
        rows = list(csv.DictReader(io.StringIO(out)))
        assert rows and all("gpu_hours" in r for r in rows)
        assert "auditor: " in err and "still running and not in these totals" in err
        if args[0] == "summary":
            assert f"auditor: {left_out}" in err
    code, out, err = run("summary", "--format", "csv", "--include-running", "--db", db)
    assert code == 0 and "still running" not in err
    code, out, err = run("explain", "10", "--db", db, "--format", "json")
    assert code == 0, err
    rows = {r["item"]: r for r in json.loads(out) if r["section"] == "job"}
    assert rows["counted"]["value"] == "no"
    assert "is still running: not in totals" in err
    report = tmp_path / "r.md"
    code, out, err = run("report", "--db", db, "-o", str(report))
    assert code == 0, err
    assert f"auditor: {left_out}" in err
    assert left_out in report.read_text()


def _commands() -> list[tuple[list[str], Any]]:
    """Every command of the app as (its words after 'auditor', the command typer built)."""
    found = []

    def walk(words: list[str], cmd: Any) -> None:
        if isinstance(cmd, typer.core.TyperGroup):
            for name, sub in cmd.commands.items():
                walk([*words, name], sub)
        else:
            found.append((words, cmd))

    walk([], typer.main.get_command(app))
    return found


def _help_entries(text: str) -> dict[str, str]:
    """The options panel of a --help page: each option's first name and its whole entry."""
    entries: dict[str, str] = {}
    current = None
    for line in text.splitlines():
        inner = line.strip().strip("│").strip()
        start = re.match(r"^(?:\* +)?(--[\w-]+)", inner)  # "*" marks a required option
        if start:
            current = start.group(1)
            entries[current] = inner
        elif current and line.startswith("│") and inner:
            entries[current] += " " + inner
        elif not line.startswith("│"):
            current = None
    return {k: " ".join(v.split()) for k, v in entries.items()}


@pytest.mark.parametrize("words", [w for w, _ in _commands()], ids=" ".join)
def test_help_shows_every_default(words: list[str]) -> None:
    (cmd,) = [c for w, c in _commands() if w == words]
    result = CliRunner().invoke(app, [*words, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    entries = _help_entries(result.stdout)
    options = [p for p in cmd.params if isinstance(p, typer.core.TyperOption) and p.name != "help"]
    assert options
    for option in options:
        name = max(option.opts, key=len)  # --format, not -f
        entry = entries[name]
        if option.required:
            assert "[required]" in entry
            continue
        assert "[default: " in entry, f"{' '.join(words)} {name}: {entry}"
        if isinstance(option.show_default, str):
            assert f"[default: ({option.show_default})]" in entry
        else:
            assert f"[default: {option.default}]" in entry
        # a "[default: ...]" written in a help text is eaten as markup: "DuckDB file ."
        assert not re.search(r" \.( |$)", entry), entry
