"""auditor export lake and summary --lake: the lake gives the database's figures exactly, is
written incrementally and atomically, and its _schema.json describes its files."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from auditor import api
from auditor.errors import StoreError, UsageError
from scripts.report_fixture import CONFIG
from tests.helpers.cli import run
from tests.helpers.paths import ROOT, SLURM

SETTINGS = api.FootprintOptions(config=str(ROOT / CONFIG))
# other settings: the same config, and a default grid intensity
OTHER = api.FootprintOptions(config=str(ROOT / CONFIG), default_carbon_g_per_kwh=123.0)
GLOB = "cluster=*/year=*/month=*/*.parquet"


@pytest.fixture(scope="module")
def lake(bundled: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled database exported with examples/auditor.toml."""
    directory = tmp_path_factory.mktemp("lake") / "lake"
    api.export_lake(str(directory), db=bundled, footprint=SETTINGS)
    return directory


def _files(directory: Path) -> dict[str, tuple[int, int]]:
    """Each Parquet file of a lake: (inode, mtime in ns), to tell a rewritten file."""
    return {
        p.relative_to(directory).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in directory.glob(GLOB)
    }


def _schema(directory: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((directory / "_schema.json").read_text())


def _lake_rows(directory: Path, query: str) -> list[tuple]:  # type: ignore[type-arg]
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE lake AS SELECT * FROM read_parquet(?, hive_partitioning = true, "
        "hive_types = {'cluster': VARCHAR, 'year': INTEGER, 'month': INTEGER})",
        [str(directory / GLOB)],
    )
    return con.execute(query).fetchall()


# -- the same figures -----------------------------------------------------------------------


@pytest.mark.parametrize("include_running", [False, True])
@pytest.mark.parametrize("by", api.SUMMARY_GROUPS)
def test_summary_over_the_lake_is_the_database_summary(
    bundled: str, lake: Path, by: str, include_running: bool
) -> None:
    from_db = api.summary(db=bundled, by=by, include_running=include_running, footprint=SETTINGS)
    from_lake = api.summary(db="unused", lake=str(lake), by=by, include_running=include_running)
    assert from_lake.column_names == from_db.column_names
    assert from_lake.to_pylist() == from_db.to_pylist()  # exact, every column
    assert api.notes(from_lake) == api.notes(from_db)
    # and with the lake's own settings given again
    again = api.summary(lake=str(lake), db="unused", by=by, footprint=SETTINGS)
    assert again.num_rows > 0


def test_summary_of_one_project_over_the_lake(bundled: str, lake: Path) -> None:
    from_db = api.summary(db=bundled, by="user", project="vision", footprint=SETTINGS)
    from_lake = api.summary(db="unused", lake=str(lake), by="user", project="vision")
    assert from_lake.to_pylist() == from_db.to_pylist()


@pytest.mark.parametrize("buy", [False, True])
@pytest.mark.parametrize("project", ["vision", "lisa", "nlp"])
def test_rnd_table_over_the_lake_is_the_database_one(
    bundled: str, lake: Path, project: str, buy: bool
) -> None:
    from_db = api.rnd_table(db=bundled, project=project, footprint=SETTINGS, buy=buy)
    from_lake = api.rnd_table(db="unused", lake=str(lake), project=project, buy=buy)
    assert from_lake.to_pylist() == from_db.to_pylist()
    # the picks of model and tune, and the sensitivity metric, are said alike
    picks = [n for n in api.notes(from_db) if n.startswith(("model:", "tune:"))]
    assert picks and [n for n in api.notes(from_lake) if n in picks] == picks


def test_every_counted_job_is_a_row_once(bundled: str, lake: Path) -> None:
    con = duckdb.connect(bundled, read_only=True)
    ((counted,),) = con.execute("SELECT count(*) FROM counted_jobs").fetchall()
    ((running,),) = con.execute("SELECT count(*) FROM counted_jobs WHERE running").fetchall()
    con.close()
    ((rows, uids, left_out),) = _lake_rows(
        lake, "SELECT count(*), count(DISTINCT uid), count(*) FILTER (NOT included) FROM lake"
    )
    assert (rows, uids, left_out) == (counted, counted, running)
    assert _schema(lake)["partitions"]
    assert sum(p["rows"] for p in _schema(lake)["partitions"]) == counted


def test_per_job_idle_and_unused_columns_add_up_to_the_summary(lake: Path) -> None:
    ((idle, unused, idle_co2e, unused_kwh),) = _lake_rows(
        lake,
        "SELECT sum(idle_gpu_hours), sum(unused_gpu_hours), sum(idle_co2e_kg), "
        "sum(unused_energy_kwh) FROM lake WHERE included",
    )
    (total,) = api.summary(db="unused", lake=str(lake), by="state").to_pylist()[:1] or [None]
    whole = api.summary(db="unused", lake=str(lake), by="project").to_pylist()
    assert total is not None
    assert idle == pytest.approx(sum(r["idle_gpu_hours"] for r in whole))
    assert unused == pytest.approx(sum(r["unused_gpu_hours"] for r in whole))
    assert idle_co2e == pytest.approx(sum(r["idle_co2e_kg"] for r in whole))
    assert unused_kwh == pytest.approx(sum(r["unused_energy_kwh"] for r in whole))
    # each job: its unused GPU-hours are its GPU-hours not used, (1 - mean use) of them
    bad = _lake_rows(
        lake,
        "SELECT uid FROM lake WHERE gpu_util_mean IS NOT NULL AND abs(unused_gpu_hours "
        "- gpus * elapsed_s / 3600.0 * (1 - gpu_util_mean)) > 1e-9",
    )
    assert bad == []
    assert unused > 0 and idle > 0  # the bundled GPU-use dump has both


# -- the contract ---------------------------------------------------------------------------


def test_schema_json_describes_the_files(lake: Path) -> None:
    schema = _schema(lake)
    assert schema["schema_version"] == 1
    columns = schema["columns"]
    in_files = [(c["name"], c["type"]) for c in columns if not c["partition"]]
    assert [c["name"] for c in columns if c["partition"]] == ["cluster", "year", "month"]
    for part in schema["partitions"]:
        for name in part["files"]:
            file_schema = pq.read_schema(lake / part["path"] / name)
            assert [(f.name, str(f.type)) for f in file_schema] == in_files
    assert all(c["meaning"] for c in columns)
    assert {c["name"]: c["type"] for c in columns}["start_ts"] == "timestamp[us, tz=UTC]"
    plain = {"string", "double", "int32", "int64", "bool", "timestamp[us, tz=UTC]"}
    assert not [c for c in columns if c["type"] not in plain]
    assert schema["settings_fingerprint"] and schema["settings"]
    assert any("owned_cost_usd left blank" in n for n in schema["notes"])
    # a partition's path holds its values, the cluster as text
    ((clusters,),) = _lake_rows(lake, "SELECT list(DISTINCT typeof(cluster)) FROM lake")
    assert clusters == ["VARCHAR"]


# -- incremental ----------------------------------------------------------------------------


def _partitions(directory: Path, cluster: str) -> set[str]:
    return {p["path"] for p in _schema(directory)["partitions"] if p["cluster"] == cluster}


def test_incremental_export_writes_only_changed_partitions(tmp_path: Path) -> None:
    db = str(tmp_path / "a.duckdb")
    directory = tmp_path / "lake"
    api.ingest_slurm([str(SLURM / "arrays.psv"), str(SLURM / "typed-gpus.psv")], db=db, tz="UTC")
    first = api.export_lake(str(directory), db=db, footprint=SETTINGS)
    assert first.written and not first.removed
    before = _files(directory)

    same = api.export_lake(str(directory), db=db, footprint=SETTINGS)
    assert (same.written, same.removed, same.unchanged) == ([], [], len(first.written))
    assert _files(directory) == before

    added = api.ingest_slurm([str(SLURM / "states.psv")], db=db, tz="UTC")
    second = api.export_lake(str(directory), db=db, footprint=SETTINGS)
    new = _partitions(directory, "c2")
    assert new and set(second.written) == new
    after = _files(directory)
    assert {k: v for k, v in after.items() if k.rsplit("/", 1)[0] not in new} == before

    api.forget(added.report.ingest_id, db=db)
    third = api.export_lake(str(directory), db=db, footprint=SETTINGS)
    assert (third.written, set(third.removed)) == ([], new)
    assert _files(directory) == before
    assert not list(directory.glob("cluster=c2"))  # no empty directory left
    assert not list(directory.glob(".export-*"))


def test_a_window_leaves_other_months_as_they_are(tmp_path: Path) -> None:
    db = str(tmp_path / "a.duckdb")
    directory = tmp_path / "lake"
    api.ingest_slurm([str(SLURM / "arrays.psv"), str(SLURM / "typed-gpus.psv")], db=db, tz="UTC")
    api.export_lake(str(directory), db=db, footprint=SETTINGS)
    before = _files(directory)
    # typed-gpus.psv's jobs are of May 2024: the 15th widens to the whole month
    done = api.export_lake(
        str(directory), db=db, footprint=SETTINGS, since="2024-05-15", until="2024-05-15"
    )
    assert (done.written, done.removed) == ([], [])
    assert done.unchanged == len(_schema(directory)["partitions"])
    assert _files(directory) == before


def test_the_rows_are_kept_in_a_scratch_file_removed_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a temp table must fit in AUDITOR_MEMORY_LIMIT; the export's rows of ten million jobs
    # did not, so they are written to a database file in the spill directory while it runs
    spill = tmp_path / "spill"
    spill.mkdir()
    monkeypatch.setenv("AUDITOR_TMPDIR", str(spill))
    db = str(tmp_path / "a.duckdb")
    api.ingest_slurm([str(SLURM / "arrays.psv")], db=db, tz="UTC")
    seen: list[list[str]] = []

    def step(_: str) -> None:
        seen.append(sorted(p.relative_to(spill).as_posix() for p in spill.glob("*/*.duckdb")))

    api.export_lake(str(tmp_path / "lake"), db=db, footprint=SETTINGS, on_step=step)
    assert any(len(files) == 1 and files[0].startswith("auditor-lake-") for files in seen)
    assert list(spill.iterdir()) == []

    def interrupt(text: str) -> None:
        if text.startswith("writing"):
            raise KeyboardInterrupt  # Ctrl-C once the rows are in the scratch file

    with pytest.raises(KeyboardInterrupt):
        api.export_lake(str(tmp_path / "other"), db=db, footprint=SETTINGS, on_step=interrupt)
    assert list(spill.iterdir()) == []


# -- refusals and failures ------------------------------------------------------------------


def test_a_lake_priced_otherwise_is_refused_unless_reprice(tmp_path: Path) -> None:
    db = str(tmp_path / "a.duckdb")
    directory = tmp_path / "lake"
    api.ingest_slurm([str(SLURM / "arrays.psv")], db=db, tz="UTC")
    api.export_lake(str(directory), db=db, footprint=SETTINGS)
    old = _schema(directory)["settings_fingerprint"]
    text = (directory / "_schema.json").read_bytes()
    other = OTHER
    with pytest.raises(UsageError, match="--reprice") as refused:
        api.export_lake(str(directory), db=db, footprint=other)
    assert old in str(refused.value)
    assert (directory / "_schema.json").read_bytes() == text
    with pytest.raises(UsageError, match=old):
        api.summary(db=db, lake=str(directory), footprint=other)

    done = api.export_lake(str(directory), db=db, footprint=other, reprice=True)
    assert (
        done.fingerprint != old and _schema(directory)["settings_fingerprint"] == done.fingerprint
    )
    assert set(done.written) == {p["path"] for p in _schema(directory)["partitions"]}
    by_db = api.summary(db=db, footprint=other)
    assert api.summary(db="unused", lake=str(directory)).to_pylist() == by_db.to_pylist()


def test_a_failed_export_leaves_the_lake_as_it_was(tmp_path: Path) -> None:
    db = str(tmp_path / "a.duckdb")
    directory = tmp_path / "lake"
    api.ingest_slurm([str(SLURM / "arrays.psv"), str(SLURM / "typed-gpus.psv")], db=db, tz="UTC")
    api.export_lake(str(directory), db=db, footprint=SETTINGS)
    before = _files(directory)
    contents = {k: (directory / k).read_bytes() for k in before}
    text = (directory / "_schema.json").read_bytes()
    # jobs of cluster zz, whose partition directory cannot be made (a file is in the way);
    # --reprice rewrites every partition, and the others are moved in before zz's fails
    dump = tmp_path / "zz.psv"
    dump.write_text((SLURM / "states.psv").read_text().replace("\nc2|", "\nzz|"))
    api.ingest_slurm([str(dump)], db=db, tz="UTC")
    (directory / "cluster=zz").write_text("in the way")
    with pytest.raises(StoreError, match="Nothing changed"):
        api.export_lake(
            str(directory), db=db, footprint=OTHER, reprice=True,
        )  # fmt: skip
    assert _files(directory) == before
    assert {k: (directory / k).read_bytes() for k in before} == contents
    assert (directory / "_schema.json").read_bytes() == text
    assert not list(directory.glob(".export-*")) and not list(directory.glob("._schema*"))


def test_a_directory_that_is_not_a_lake_is_refused(tmp_path: Path, bundled: str) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(UsageError, match="not empty and not a lake"):
        api.export_lake(str(tmp_path), db=bundled, footprint=SETTINGS)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
    with pytest.raises(UsageError, match="not a lake"):
        api.summary(db="unused", lake=str(tmp_path))


def test_export_needs_settings(
    tmp_path: Path, bundled: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no ./auditor.toml
    with pytest.raises(UsageError, match="--preset or --config"):
        api.export_lake(str(tmp_path / "lake"), db=bundled)
    assert not (tmp_path / "lake").exists()


# -- the command line -----------------------------------------------------------------------


def test_cli_export_and_summary(tmp_path: Path, bundled: str, at_root: None) -> None:
    directory = str(tmp_path / "lake")
    code, out, err = run("export", "lake", directory, "--db", bundled, "--config", CONFIG)
    assert (code, out) == (0, "")
    assert f"auditor: {directory}: " in err and "partitions written" in err
    code, by_lake, _ = run("summary", "--lake", directory, "--by", "sweep", "-f", "csv")
    assert code == 0
    code, by_db, _ = run(
        "summary", "--db", bundled, "--config", CONFIG, "--by", "sweep", "-f", "csv"
    )
    assert (code, by_lake) == (0, by_db)


def test_cli_db_and_lake_together_is_a_usage_error(tmp_path: Path, bundled: str) -> None:
    code, out, err = run("summary", "--db", bundled, "--lake", str(tmp_path))
    assert (code, out) == (2, "")
    assert err == "auditor: error: --db and --lake together: give one of them.\n"


def test_cli_refusals_are_one_line(tmp_path: Path, bundled: str, lake: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    code, out, err = run("export", "lake", str(tmp_path), "--db", bundled, "--config", CONFIG)
    assert (code, out) == (2, "")
    assert err.startswith(f"auditor: error: {tmp_path}: not empty and not a lake")
    assert err.count("\n") == 1
    code, out, err = run("summary", "--lake", str(lake), "--preset", "strubell2019")
    assert (code, out) == (2, "")
    assert "was priced with settings" in err and err.count("\n") == 1
    code, out, err = run("report", "--lake", str(lake), "--project", "a", "--project", "b")
    assert (code, out) == (2, "")
    assert err.startswith("auditor: error: report --lake covers the whole lake or one")


def test_cli_out_of_memory_is_one_line_and_writes_nothing(
    tmp_path: Path, bundled: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUDITOR_MEMORY_LIMIT", "2MB")  # the connection's limit, read at open
    monkeypatch.setenv("AUDITOR_TMPDIR", str(tmp_path))
    directory = tmp_path / "lake"
    code, out, err = run("export", "lake", str(directory), "--db", bundled, "--config", CONFIG)
    assert (code, out) == (6, "")  # LimitError
    assert err.startswith("auditor: error: not enough memory to export the lake")
    assert "AUDITOR_MEMORY_LIMIT (now 2MB)" in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) in ([], [directory]) and not list(directory.glob("**/*"))
