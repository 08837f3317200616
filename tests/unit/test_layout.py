"""The layout of tests/ and scripts/: test modules sit in an area folder and import helpers from
tests/helpers, never from conftest or from one another; conftest holds fixtures only; scripts
import nothing from tests/. Read with ``ast``, so a test module is never imported twice."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from tests.helpers.paths import ROOT

AREAS = ("unit", "ingest", "cli", "report", "robustness")


def _imported(tree: ast.Module, module: str) -> Iterator[tuple[int, str]]:
    """(line, dotted name) of every import in ``tree``, relative ones made absolute from the
    dotted name of the ``module`` they are in; ``from m import a`` gives ``m.a``."""
    package = module.split(".")[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module.split(".") if node.module else []
            if node.level:
                base = package[: len(package) - node.level + 1] + base
            for alias in node.names:
                yield node.lineno, ".".join([*base, alias.name])


def _path_constants(tree: ast.Module) -> Iterator[int]:
    """Lines of string constants naming the tests folder, as in ``ROOT / "tests"``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            words = node.value.split()  # a path is one word; prose may name tests/ freely
            if len(words) == 1 and words[0].strip("/").split("/")[0] == "tests":
                yield node.lineno


def _fixtures_only(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """Top-level statements of a conftest that are neither fixtures, hooks nor imports."""
    for i, node in enumerate(tree.body):
        if isinstance(node, ast.Import | ast.ImportFrom):
            continue
        if i == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # the docstring
        if isinstance(node, ast.FunctionDef):
            fixture = any("fixture" in ast.unparse(d) for d in node.decorator_list)
            if fixture or node.name.startswith("pytest_"):
                continue
            yield node.lineno, f"def {node.name}"
        elif isinstance(node, ast.Assign) and [ast.unparse(t) for t in node.targets] == [
            "pytest_plugins"
        ]:
            continue
        else:
            yield node.lineno, ast.unparse(node).splitlines()[0]


def layout_problems(root: Path) -> list[str]:
    """Every break of the layout under ``root``, one ``FILE:LINE: what`` line each."""
    problems: list[str] = []
    for path in sorted((root / "tests").rglob("*.py")) + sorted((root / "scripts").rglob("*.py")):
        rel = path.relative_to(root)
        module = ".".join(rel.with_suffix("").parts)
        tree = ast.parse(path.read_text(encoding="utf-8"), str(rel))
        if rel.parts[0] == "scripts":
            for line, name in _imported(tree, module):
                if name.split(".")[0] in ("tests", "conftest"):
                    problems.append(f"{rel}:{line}: a script imports {name} from tests/")
            for line in _path_constants(tree):
                problems.append(f"{rel}:{line}: a script reaches into tests/ by path")
            continue
        if path.name.startswith("test_") and (len(rel.parts) != 3 or rel.parts[1] not in AREAS):
            problems.append(f"{rel}: a test module outside the area folders {', '.join(AREAS)}")
        if path.name == "conftest.py":
            for line, what in _fixtures_only(tree):
                problems.append(f"{rel}:{line}: conftest holds fixtures only, not {what}")
        for line, name in _imported(tree, module):
            parts = name.split(".")
            if "conftest" in parts:
                problems.append(f"{rel}:{line}: imports {name}; put it in tests/helpers/")
            elif any(p.startswith("test_") for p in parts):
                problems.append(f"{rel}:{line}: imports test module {name}; use tests/helpers/")
            elif parts[0] == "tests" and parts[:2] != ["tests", "helpers"] and len(parts) > 1:
                problems.append(f"{rel}:{line}: imports {name}; helpers live in tests/helpers/")
    return problems


def test_tests_and_scripts_keep_the_layout() -> None:
    assert layout_problems(ROOT) == []


def test_each_break_of_the_layout_is_named(tmp_path: Path) -> None:
    files = {
        "tests/conftest.py": (
            '"""Fixtures."""\nimport pytest\npytest_plugins = ["x"]\nROOT = 1\n'
            "@pytest.fixture\ndef db():\n    return 1\n"
            "def pytest_configure(config):\n    pass\n"
            "def job_rows():\n    return 2\n"
        ),
        "tests/test_top.py": "",
        "tests/helpers/paths.py": "ROOT = 1\n",
        "tests/unit/test_a.py": (
            "from tests.conftest import ROOT\n"
            "from tests.unit.test_b import x\n"
            "from . import test_b\n"
            "from .test_b import y\n"
            "import tests.report.test_c\n"
            "from tests.robustness import check\n"
            "import conftest\n"
            "from tests.helpers.paths import ROOT\n"
            "from tests import helpers\n"
            "from scripts.browser import Browser\n"
            "def f():\n    from ..conftest import db_state\n"
        ),
        "scripts/s.py": (
            '"""Reads tests/helpers for nothing."""\n'
            "import sys\n"
            "from tests.helpers import x\n"
            "import tests\n"
            'sys.path.insert(0, str(ROOT / "tests"))\n'
            "from scripts.browser import Browser\n"
        ),
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert layout_problems(tmp_path) == [
        "tests/conftest.py:4: conftest holds fixtures only, not ROOT = 1",
        "tests/conftest.py:10: conftest holds fixtures only, not def job_rows",
        "tests/test_top.py: a test module outside the area folders unit, ingest, cli, report, "
        "robustness",
        "tests/unit/test_a.py:1: imports tests.conftest.ROOT; put it in tests/helpers/",
        "tests/unit/test_a.py:2: imports test module tests.unit.test_b.x; use tests/helpers/",
        "tests/unit/test_a.py:3: imports test module tests.unit.test_b; use tests/helpers/",
        "tests/unit/test_a.py:4: imports test module tests.unit.test_b.y; use tests/helpers/",
        "tests/unit/test_a.py:5: imports test module tests.report.test_c; use tests/helpers/",
        "tests/unit/test_a.py:6: imports tests.robustness.check; helpers live in tests/helpers/",
        "tests/unit/test_a.py:7: imports conftest; put it in tests/helpers/",
        "tests/unit/test_a.py:12: imports tests.conftest.db_state; put it in tests/helpers/",
        "scripts/s.py:3: a script imports tests.helpers.x from tests/",
        "scripts/s.py:4: a script imports tests from tests/",
        "scripts/s.py:5: a script reaches into tests/ by path",
    ]
