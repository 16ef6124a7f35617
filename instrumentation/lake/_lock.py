"""Advisory ``flock`` locks, which the kernel releases when their holder dies (even by SIGKILL).

- One compaction per partition at a time: ``.compact.lock`` in the partition names the holder's PID
  (for the message of the one turned away), but the file alone never blocks anybody: a compaction
  killed with SIGKILL leaves it unlocked and the next one takes it at once. The holder removes the
  file when done; one that locked a file just removed that way notices and tries again.
- Readers hold ``otel_traces/.readers.lock`` shared while they read a snapshot; compaction deletes
  the inputs it replaced only while it holds it exclusively, so no file vanishes under a reader.
  A lake the reader cannot write to gets no lease (the reader then retries when a file vanished).
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_NAME = ".compact.lock"
READERS_LOCK_NAME = ".readers.lock"
_POLL_S = 0.02


@contextmanager
def partition_lock(folder: Path) -> Iterator[bool]:
    """``with partition_lock(folder) as held:`` held is False when another live process holds it."""
    lock = folder / LOCK_NAME
    fd = _lock(lock)
    if fd is None:
        yield False
        return
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield True
    finally:
        lock.unlink(missing_ok=True)  # while still locked: nobody can take a file that is about to vanish
        os.close(fd)


def holder(folder: Path) -> int | None:
    """The PID written in the partition's lock file, when there is one."""
    try:
        return int((folder / LOCK_NAME).read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        return None


def _lock(lock: Path) -> int | None:
    while True:
        fd = os.open(lock, os.O_CREAT | os.O_RDWR, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        except BaseException:
            os.close(fd)
            raise
        if _names_file(lock, fd):
            return fd
        os.close(fd)  # we locked a file its holder had just removed: lock the one the path names now


def _names_file(path: Path, fd: int) -> bool:
    try:
        on_path = os.stat(path)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (on_path.st_dev, on_path.st_ino) == (held.st_dev, held.st_ino)


@contextmanager
def readers_lease(table_dir: Path) -> Iterator[None]:
    """Hold the readers' lock shared (waiting out a compaction's deletions, which take milliseconds)."""
    try:
        fd = os.open(table_dir / READERS_LOCK_NAME, os.O_CREAT | os.O_RDONLY, 0o644)
    except OSError:
        yield  # no table yet, or a read-only lake: nobody compacts it meanwhile, or the reader retries
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)


@contextmanager
def no_readers(table_dir: Path, wait_s: float) -> Iterator[bool]:
    """``with no_readers(dir, 5) as alone:`` alone is True once no reader holds a lease (within ``wait_s``)."""
    fd = os.open(table_dir / READERS_LOCK_NAME, os.O_CREAT | os.O_RDONLY, 0o644)
    try:
        yield _poll(fd, time.monotonic() + wait_s)
    finally:
        os.close(fd)


def _poll(fd: int, deadline: float) -> bool:
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(_POLL_S)
