"""rnd-table --buy and the owned-hardware cost on the command line."""

from __future__ import annotations

import csv
import io

import pytest

from tests.helpers.cli import run
from tests.helpers.lisa import write_lisa


def test_rnd_table_buy_on_the_command_line(db: str) -> None:
    write_lisa(db)
    code, out, err = run(
        "rnd-table", "--db", db, "--project", "lisa", "--buy", "--format", "csv",
        "--preset", "strubell2019", "--default-gpu-power", "250",
    )  # fmt: skip
    assert code == 0, err
    rows = {r["scope"]: r for r in csv.DictReader(io.StringIO(out))}
    assert float(rows["project"]["purchase_usd"]) == pytest.approx(59 * 2500)
    assert float(rows["project"]["gpus_bought"]) == 59
    assert "purchase: gpus_needed" in err
    code, out, err = run(
        "rnd-table", "--db", db, "--project", "lisa", "--format", "csv",
        "--preset", "strubell2019", "--default-gpu-power", "250",
    )  # fmt: skip
    assert code == 0, err
    assert "purchase_usd" not in out.splitlines()[0]
    assert "owned_cost_usd" in out.splitlines()[0]
