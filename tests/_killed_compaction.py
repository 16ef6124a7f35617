"""``compact()`` killed with SIGKILL between two of its filesystem changes, in a forked child process.

The child counts its filesystem changes through audit events (every open for writing, rename, replace,
unlink, mkdir) and kills itself just before change ``step``, or just before it deletes the first
compaction input (``before_inputs_go``: the merged output is in, every input still there). A step past
the last change lets it finish and report how many changes it made. A fork costs milliseconds where a
new interpreter costs half a second per step (Arrow re-creates its thread pool in a forked child).
"""

from __future__ import annotations

import os
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_WRITE = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_CHANGES = ("os.rename", "os.remove", "os.mkdir", "os.rmdir", "os.truncate")
_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class Killed:
    status: int  # as os.waitstatus_to_exitcode gives it: -9 when killed by SIGKILL
    changes: int  # how many changes it made, when it finished; -1 when killed

    @property
    def by_sigkill(self) -> bool:
        return self.status == -signal.SIGKILL


def compact_killed(lake: Path, step: int = 1_000_000, *, before_inputs_go: bool = False) -> Killed:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the test runner
        os.close(read)
        try:
            changes = _run(lake, step, before_inputs_go)
            os.write(write, str(changes).encode())
        finally:
            os._exit(0)
    os.close(write)
    status = _wait(pid)
    with os.fdopen(read) as report:
        text = report.read()
    return Killed(os.waitstatus_to_exitcode(status), int(text) if text else -1)


def _wait(pid: int) -> int:
    deadline = time.monotonic() + _TIMEOUT_S
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        time.sleep(0.005)
    os.kill(pid, signal.SIGKILL)
    raise TimeoutError(f"the compaction child {pid} did not finish in {_TIMEOUT_S} s")


def _run(lake: Path, kill_at: int, before_inputs_go: bool) -> int:
    from instrumentation.lake import compact

    changes = 0

    def hook(event: str, args: tuple[Any, ...]) -> None:
        nonlocal changes
        if event == "open":
            if not isinstance(args[2], int) or not args[2] & _WRITE:
                return
        elif event not in _CHANGES:
            return
        changes += 1
        removing_input = event == "os.remove" and Path(str(args[0])).name.startswith("part-")
        if changes == kill_at or (before_inputs_go and removing_input):
            os.kill(os.getpid(), signal.SIGKILL)

    sys.addaudithook(hook)
    compact(lake)
    return changes
