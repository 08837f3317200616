"""Options shared by commands are defined once, as groups the command receives as one value."""

from __future__ import annotations

from typing import Annotated

import pytest
import typer
from typer.testing import CliRunner

from auditor import api
from auditor.cli import Db, Footprint, OptionGroup, with_groups


def test_a_command_receives_each_group_made_and_lists_its_options_in_place(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AUDITOR_DB", "from-env.duckdb")
    seen: list[tuple[str, str, api.FootprintOptions]] = []
    app = typer.Typer(add_completion=False)

    @app.command()
    @with_groups
    def show(name: Annotated[str, typer.Option()] = "x", *, db: Db, footprint: Footprint) -> None:
        seen.append((name, db, footprint))

    runner = CliRunner()
    done = runner.invoke(app, ["--default-carbon", "250", "--units", "lb"])
    assert done.exit_code == 0, done.output
    assert seen == [
        ("x", "from-env.duckdb", api.FootprintOptions(default_carbon_g_per_kwh=250.0, units="lb"))
    ]
    help_text = runner.invoke(app, ["--help"]).output
    order = ["--name", "--db", "--preset", "--config", "--default-gpu-power", "--units"]
    assert [help_text.index(o) for o in order] == sorted(help_text.index(o) for o in order)


def _path(db: str = "") -> str:
    return db


# annotations are read from this module's names, as in auditor.cli
def clash(db: str = "", *, other: Annotated[str, OptionGroup(_path)]) -> None:
    del db, other


def test_a_group_may_not_repeat_a_parameter_of_the_command() -> None:
    with pytest.raises(TypeError, match="clash: an option group repeats a parameter name"):
        with_groups(clash)
