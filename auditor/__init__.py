"""auditor: what research compute cost, from the logs a lab already has.

The public API is in ``auditor.api``; the command line in ``auditor.cli`` only adapts it.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
