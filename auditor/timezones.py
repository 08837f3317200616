"""Time zones: this machine's zone by name, and checking a zone the user gave."""

from __future__ import annotations

import os
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from auditor.errors import UsageError


def local_zone() -> str:
    """The IANA name of this machine's zone ($TZ, /etc/timezone, /etc/localtime), else UTC."""
    env = os.environ.get("TZ", "").lstrip(":")
    if env and _known(env):
        return env
    etc = Path("/etc/timezone")
    if etc.is_file():
        name = etc.read_text("utf-8").strip()
        if _known(name):
            return name
    link = Path("/etc/localtime")
    if link.is_symlink():
        target = str(link.resolve())
        if "zoneinfo/" in target:
            name = target.split("zoneinfo/", 1)[1]
            if _known(name):
                return name
    return "UTC"


def _known(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def check_zone(name: str) -> None:
    """Raise UsageError unless ``name`` is an IANA zone such as Europe/Paris or UTC."""
    if not _known(name) or (name not in available_timezones() and name != "UTC"):
        raise UsageError(
            f"--tz '{name}' is not a time zone. Use an IANA name such as Europe/Paris."
        )
