"""The SQL files: every one used, no stray markers, every slot filled; sql.fill and
sql.Pipeline themselves."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import duckdb
import pytest

from auditor import sql

PACKAGE = Path(sql.__file__).parent
QUERIES = PACKAGE / "queries"
SLOT = re.compile(r"\{\{(\w+)\}\}")
# a marker of the old templates: __LINES__, __relation__ ... (not __init__-like Python names,
# which no .sql file holds either)
MARKER = re.compile(r"__[A-Za-z]+__")


def query_names() -> dict[str, str]:
    """Every query's name ("stage/name") and its text."""
    return {
        p.relative_to(QUERIES).with_suffix("").as_posix(): p.read_text("utf-8")
        for p in sorted(QUERIES.rglob("*.sql"))
    }


def package_calls() -> list[tuple[str, ast.Call]]:
    """Every call in the package's code, with the file it is in."""
    calls = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        calls += [(path.name, n) for n in ast.walk(tree) if isinstance(n, ast.Call)]
    return calls


def package_strings() -> set[str]:
    return {
        node.value
        for path in PACKAGE.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text("utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


def test_there_are_queries_in_stage_folders() -> None:
    names = query_names()
    assert {"slurm/split", "csv/rows", "store/ingest_insert", "store/macros"} <= set(names)


def test_every_query_is_named_in_the_package() -> None:
    strings = package_strings()
    unused = [name for name in query_names() if name not in strings]
    assert not unused, f"no code names these queries (as a 'stage/name' literal): {unused}"


def test_no_query_holds_an_old_marker() -> None:
    found = {name: MARKER.findall(text) for name, text in query_names().items()}
    assert not {k: v for k, v in found.items() if v}


def test_every_call_naming_a_query_fills_exactly_its_slots() -> None:
    """A call whose first argument names a query (sql.query, sql.fill, Pipeline.run or
    .text, Store.query) passes one keyword per slot of that query, and no other: a query
    without slots gets none."""
    names = query_names()
    checked = 0
    wrong = []
    for file, call in package_calls():
        if not call.args or not isinstance(call.args[0], ast.Constant):
            continue
        name = call.args[0].value
        if name not in names or any(k.arg is None for k in call.keywords):
            continue
        checked += 1
        slots = set(SLOT.findall(names[name]))
        given = {k.arg for k in call.keywords}
        if given != slots:
            wrong.append(f"{file}:{call.lineno}: {name} has slots {sorted(slots)}, given {given}")
    assert checked > 50
    assert not wrong


@pytest.mark.parametrize("name", [n for n, t in query_names().items() if SLOT.search(t)])
def test_a_query_with_slots_is_only_read_filled(name: str) -> None:
    with pytest.raises(KeyError, match=r"sql\.fill"):
        sql.query(name)


# -- sql.fill ------------------------------------------------------------------------------


def test_fill_quotes_each_identifier() -> None:
    text = sql.fill("store/count_rows", table='odd "name"')
    assert 'FROM "odd ""name"""' in text
    con = duckdb.connect()
    con.execute('CREATE TABLE "odd ""name""" (x INTEGER)')
    con.execute('INSERT INTO "odd ""name""" VALUES (1), (2)')
    assert con.execute(text).fetchall() == [(2,)]


def test_fill_makes_a_sequence_a_comma_list() -> None:
    text = sql.fill("store/ingest_insert", columns=["a", "b c"], incoming="t")
    assert '("a", "b c", ingest_id)' in text
    assert 'SELECT "a", "b c", $ingest_id' in text


def test_fill_refuses_a_missing_slot() -> None:
    with pytest.raises(KeyError, match="incoming"):
        sql.fill("store/ingest_insert", columns=["a"])


def test_fill_refuses_an_identifier_without_a_slot() -> None:
    with pytest.raises(KeyError, match="view"):
        sql.fill("store/count_rows", table="t", view="v")


def test_fill_of_a_query_without_slots_is_its_text() -> None:
    assert sql.fill("store/ingest_next_id") == sql.query("store/ingest_next_id")


def test_with_literals_puts_in_strings_numbers_and_lists() -> None:
    text = sql.with_literals(
        "SELECT $a, $ab, $n, CAST($l AS VARCHAR[]), CAST($e AS INTEGER[])",
        {"a": "it's", "ab": "$a", "n": 3, "l": ["x", "y"], "e": []},
    )
    assert duckdb.connect().execute(text).fetchall() == [("it's", "$a", 3, ["x", "y"], [])]


# -- sql.Pipeline --------------------------------------------------------------------------


def test_a_pipeline_runs_its_steps_in_the_listed_order_only() -> None:
    con = duckdb.connect()
    steps = sql.Pipeline(con, ("store/migrations_table", "store/migrations_applied"))
    steps.run("store/migrations_table")
    assert steps.run("store/migrations_applied").fetchall() == []
    assert steps.run("store/migrations_applied").fetchall() == []  # again: allowed
    with pytest.raises(ValueError, match="migrations_table"):
        steps.run("store/migrations_table")
    with pytest.raises(ValueError, match="main_tables"):
        sql.Pipeline(con, ("store/migrations_table",)).run("store/main_tables")


def test_a_step_listed_twice_runs_twice() -> None:
    con = duckdb.connect()
    steps = sql.Pipeline(con, ("store/ingest_next_id", "store/main_tables", "store/ingest_next_id"))
    con.execute("CREATE SEQUENCE ingest_seq")
    assert steps.run("store/ingest_next_id").fetchall() == [(1,)]
    steps.run("store/main_tables")
    assert steps.run("store/ingest_next_id").fetchall() == [(2,)]
    with pytest.raises(ValueError):
        steps.run("store/main_tables")
