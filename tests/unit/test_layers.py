"""The module layering written in pyproject.toml ([tool.importlinter]) holds."""

from __future__ import annotations

from pathlib import Path

import pytest
from importlinter.cli import lint_imports

from tests.helpers.paths import ROOT


def test_import_contracts_are_kept(capsys: pytest.CaptureFixture[str]) -> None:
    code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True)
    out = capsys.readouterr().out
    assert code == 0, out
    assert "0 broken" in out


def test_a_reversed_layering_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the store reads DuckDB limits from auditor.duck: declaring it the lower layer must fail
    config = tmp_path / "pyproject.toml"
    config.write_text(
        '[tool.importlinter]\nroot_package = "auditor"\n\n'
        "[[tool.importlinter.contracts]]\n"
        'name = "reversed"\ntype = "layers"\nlayers = ["auditor.duck", "auditor.store"]\n'
    )
    assert lint_imports(config_filename=str(config), no_cache=True, no_logo=True) == 1
    assert "auditor.store -> auditor.duck" in capsys.readouterr().out
