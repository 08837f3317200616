"""auditor report --lake: the report over a lake is the database's report, byte for byte,
from the factor classes and notes the export stored; a lake without them is refused."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

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
    code, out, err = run("report", "--lake", str(lake), "-o", str(tmp_path / "lake.html"))
    assert (code, out) == (0, "")
    assert (tmp_path / "lake.html").read_bytes() == (tmp_path / "db.html").read_bytes()


def test_a_lake_without_factor_sources_is_refused(lake: Path, tmp_path: Path) -> None:
    # a lake as exports before the factor classes wrote it: no _factors.parquet, no 'report'
    old = tmp_path / "old"
    shutil.copytree(lake, old)
    (old / "_factors.parquet").unlink()
    schema = json.loads((old / "_schema.json").read_text("utf-8"))
    del schema["report"]
    (old / "_schema.json").write_text(json.dumps(schema), "utf-8")
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
