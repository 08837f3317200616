"""Fixtures for every test: real DuckDB files in tmp_path, fixtures from fixtures/."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.report_fixture import build_db
from tests.helpers.paths import ROOT


@pytest.fixture(scope="session")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The database of every bundled fixture (scripts/report_fixture.py); read it, never write."""
    return build_db(str(tmp_path_factory.mktemp("bundled") / "bundled.duckdb"))


@pytest.fixture
def at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the config's path shows in factor sources as given


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "test.duckdb")
