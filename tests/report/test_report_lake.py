"""auditor report --lake: the report over a lake is the database's report, byte for byte,
from the factor classes and notes the export stored; a lake without them is refused."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from auditor import api
from auditor.errors import UsageError
from auditor.report.render import render
from scripts.report_fixture import CONFIG
from tests.helpers.cli import run
from tests.helpers.paths import ROOT

SETTINGS = api.FootprintOptions(config=str(ROOT / CONFIG))


@pytest.fixture(scope="module")
def lake(bundled: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled database exported with examples/auditor.toml."""
    directory = tmp_path_factory.mktemp("report-lake") / "lake"
    api.export_lake(str(directory), db=bundled, footprint=SETTINGS)
    return directory


@pytest.mark.parametrize("projects", [(), ("nlp",), ("vision",)])
def test_report_over_the_lake_is_the_databases(
    bundled: str, lake: Path, projects: tuple[str, ...]
) -> None:
    from_db = api.report(db=bundled, projects=projects, footprint=SETTINGS)
    from_lake = api.report(db="unused", lake=str(lake), projects=projects, footprint=SETTINGS)
    assert from_lake.factors_used == from_db.factors_used
    assert from_lake.notes == from_db.notes
    assert render(from_lake, "html") == render(from_db, "html")
    assert render(from_lake, "markdown") == render(from_db, "markdown")


def test_the_lake_keeps_every_factor_with_its_source(bundled: str, lake: Path) -> None:
    # the report's table of factors names a source for each, as the database's does
    used = api.report(db="unused", lake=str(lake), footprint=SETTINGS).factors_used
    assert used and all(row["source"] for row in used)
    # one count per report job and factor: PUE is used by every job with hours
    jobs = api.report(db=bundled, footprint=SETTINGS).totals["jobs"]
    assert sum(r["jobs"] for r in used if r["factor"] == "pue") <= jobs


def test_cli_report_over_the_lake_writes_the_same_file(
    bundled: str, lake: Path, tmp_path: Path
) -> None:
    # the config as the lake was exported with it: factor sources name its path as given
    db_html = str(tmp_path / "db.html")
    code, _, _ = run("report", "--db", bundled, "--config", str(ROOT / CONFIG), "-o", db_html)
    assert code == 0
    code, out, _ = run("report", "--lake", str(lake), "-o", str(tmp_path / "lake.html"))
    assert (code, out) == (0, "")
    assert (tmp_path / "lake.html").read_bytes() == (tmp_path / "db.html").read_bytes()


def test_a_lake_without_factor_sources_is_refused(lake: Path, tmp_path: Path) -> None:
    old = _as_before(lake, tmp_path / "old")
    with pytest.raises(UsageError, match="holds no factor sources"):
        api.report(db="unused", lake=str(old))
    code, out, err = run("report", "--lake", str(old))
    assert (code, out) == (2, "")
    assert err.startswith(f"auditor: error: {old}: the lake holds no factor sources")
    assert "Export it again" in err and err.count("\n") == 1


@pytest.mark.parametrize(
    "options",
    [{"projects": ("nlp", "vision")}, {"since": "2024-01-01"}, {"until": "2024-12-31"}],
)
def test_selections_whose_notes_the_lake_lacks_are_refused(
    lake: Path, options: dict[str, object]
) -> None:
    with pytest.raises(UsageError, match="whole lake or one --project"):
        api.report(db="unused", lake=str(lake), **options)  # type: ignore[arg-type]


def _as_before(lake: Path, to: Path) -> Path:
    """A copy of ``lake`` as exports before the factor classes wrote it."""
    shutil.copytree(lake, to)
    (to / "_factors.parquet").unlink()
    schema = json.loads((to / "_schema.json").read_text("utf-8"))
    del schema["report"]
    (to / "_schema.json").write_text(json.dumps(schema), "utf-8")
    return to


def test_exporting_an_old_lake_again_lets_it_report(
    bundled: str, lake: Path, tmp_path: Path
) -> None:
    old = _as_before(lake, tmp_path / "old")
    done = api.export_lake(str(old), db=bundled, footprint=SETTINGS)
    assert done.written == []  # no partition changed; the factors and schema are new
    from_db = api.report(db=bundled, footprint=SETTINGS)
    assert render(api.report(db="unused", lake=str(old)), "html") == render(from_db, "html")


def test_a_windowed_export_keeps_the_factors_outside_it(
    bundled: str, lake: Path, tmp_path: Path
) -> None:
    again = tmp_path / "again"
    shutil.copytree(lake, again)
    before = pq.read_table(again / "_factors.parquet")
    schema = json.loads((again / "_schema.json").read_text("utf-8"))
    first = min(
        (p for p in schema["partitions"] if p["year"] is not None),
        key=lambda p: (p["year"], p["month"]),
    )
    day = f"{first['year']:04d}-{first['month']:02d}-01"
    api.export_lake(str(again), db=bundled, footprint=SETTINGS, since=day, until=day)
    after = pq.read_table(again / "_factors.parquet")
    assert after.num_rows > 0 and after.to_pylist() == before.to_pylist()
    from_db = api.report(db=bundled, footprint=SETTINGS)
    assert render(api.report(db="unused", lake=str(again)), "html") == render(from_db, "html")
    # an old lake has no factor classes for the partitions outside a window: still refused
    old = _as_before(lake, tmp_path / "old")
    api.export_lake(str(old), db=bundled, footprint=SETTINGS, since=day, until=day)
    assert not (old / "_factors.parquet").exists()
    with pytest.raises(UsageError, match="holds no factor sources"):
        api.report(db="unused", lake=str(old))
