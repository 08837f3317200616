"""Golden files under tests/golden/: compare, or rewrite them with AUDITOR_UPDATE_GOLDEN=1.

``make golden`` sets the variable; review the diff before committing the rewritten files.
"""

from __future__ import annotations

import os
from pathlib import Path

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
UPDATE = os.environ.get("AUDITOR_UPDATE_GOLDEN") == "1"


def check_golden(name: str, text: str) -> None:
    """Assert ``text`` equals tests/golden/``name``, or write it there when updating."""
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing {path}: run 'make golden'"
    assert text == path.read_text(encoding="utf-8"), f"{name} changed: run 'make golden' and review"
