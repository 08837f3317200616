"""How many examples a property test draws: its count for `make test`, times
AUDITOR_FUZZ_SCALE (a whole number, 1 when unset) for a deeper run."""

from __future__ import annotations

import os


def examples(n: int) -> int:
    """``n`` times AUDITOR_FUZZ_SCALE."""
    raw = os.environ.get("AUDITOR_FUZZ_SCALE") or "1"
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"AUDITOR_FUZZ_SCALE must be a whole number >= 1, got {raw!r}")
    return n * int(raw)
