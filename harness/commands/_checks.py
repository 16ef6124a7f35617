"""Checks a command makes before it starts, so a user's slip is one line on stderr (exit 3), not a traceback
or, worse, a receiver that acknowledges spans it can never write."""

from __future__ import annotations

import tempfile
from pathlib import Path

from instrumentation.errors import ConfigError


def writable_lake(lake_dir: Path) -> None:
    """Create ``lake_dir`` if it is missing and make sure a file can be written in it."""
    try:
        lake_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=lake_dir):
            pass
    except OSError as exc:
        raise ConfigError(f"cannot write the lake at {lake_dir}: {exc.strerror or exc} (check --home)") from exc


def port(value: int, flag: str = "--port") -> None:
    """Refuse a port number no socket can bind."""
    if not 0 <= value <= 65535:
        raise ConfigError(f"{flag} must be 0 to 65535 (0 picks a free one), got {value}")
