"""Temporary files name their owner (host and PID), so the ones a killed writer left can be cleaned.

A segment or a compaction plan is written as ``.<final name>.<host>~<pid>.tmp`` and then renamed into
place. One whose owner is a process of this host that no longer runs is abandoned; so is any temporary
older than an hour (a PID reused by another process, another host's writer, or a name from before
owners were recorded): no write of a segment takes that long.
"""

from __future__ import annotations

import os
import re
import socket
import time
from pathlib import Path

_SUFFIX = ".tmp"
_ABANDONED_AFTER_S = 3600.0
_HOST = re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname())[:40] or "host"
_OWNED = re.compile(r"\.(?P<host>[A-Za-z0-9-]+)~(?P<pid>\d+)\.tmp$")


def temporary_name(final_name: str) -> str:
    """The name a file is written under before it is renamed to ``final_name``."""
    return f".{final_name}.{_HOST}~{os.getpid()}{_SUFFIX}"


def is_temporary(name: str) -> bool:
    return name.startswith(".") and name.endswith(_SUFFIX)


def abandoned(path: Path, *, now: float | None = None) -> bool:
    """Whether no live writer owns the temporary ``path``."""
    try:
        age = (time.time() if now is None else now) - path.stat().st_mtime
    except FileNotFoundError:
        return False
    if age > _ABANDONED_AFTER_S:
        return True
    owner = _OWNED.search(path.name)
    return owner is not None and owner["host"] == _HOST and not pid_alive(int(owner["pid"]))


def sweep(folder: Path) -> list[str]:
    """Delete the abandoned temporaries in ``folder``; returns their names."""
    removed = []
    for path in folder.iterdir():
        if is_temporary(path.name) and abandoned(path):
            path.unlink(missing_ok=True)
            removed.append(path.name)
    return removed


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` of this host runs (a zombie, killed but not yet reaped, does not)."""
    if pid == os.getpid():
        return True
    if pid <= 0:  # 0 and negative numbers name process groups, not a process
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state not in ("Z", "X")
