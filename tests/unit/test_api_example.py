"""The Python API page's example runs as written, and the footprint options object is the one
way the footprint functions take their options."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from auditor import api
from auditor.errors import UsageError
from tests.helpers.paths import ROOT, SLURM

# a sacct dump whose GPUs name no model: the example's default GPU power is what prices them
DUMP = SLURM / "arrays.psv"


def python_blocks(page: Path) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```$", page.read_text(encoding="utf-8"), re.M | re.S)


def test_the_api_page_example_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (example,) = python_blocks(ROOT / "docs" / "api.md")
    monkeypatch.chdir(tmp_path)
    shutil.copyfile(DUMP, tmp_path / "dump.txt")
    exec(compile(example, "docs/api.md", "exec"), {})
    out = capsys.readouterr().out
    assert "'co2e_lb'" in out  # units="lb" reached the summary
    assert "default GPU power 300 W used for" in out  # and the default was reported


def test_footprint_options_are_frozen_and_default_to_no_options() -> None:
    options = api.FootprintOptions(preset="strubell2019")
    with pytest.raises(AttributeError):
        options.units = "lb"  # type: ignore[misc]
    assert api.FootprintOptions() == api.FootprintOptions(None, None, None, None, "kg")


def test_footprint_options_resolve_to_the_settings_of_load_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    options = api.FootprintOptions(preset="strubell2019", default_carbon_g_per_kwh=250.0)
    assert options.settings() == api.load_settings(
        preset="strubell2019", default_carbon_g_per_kwh=250.0
    )
    with pytest.raises(UsageError, match=r"--units 'st' is not known"):
        api.FootprintOptions(units="st").settings()


def test_the_report_is_in_kg(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"The report is in kg"):
        api.report(db=str(tmp_path / "none.duckdb"), footprint=api.FootprintOptions(units="lb"))
