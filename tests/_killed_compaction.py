"""``compact()`` killed with SIGKILL between two of its filesystem changes, in a forked child process.

The child counts its filesystem changes through audit events (every open for writing, rename, replace,
unlink, mkdir) and kills itself just before change ``step``, or just before it deletes the first
compaction input (``before_inputs_go``: the merged output is in, every input still there). A step past
the last change lets it finish and report how many changes it made. A fork costs milliseconds where a
new interpreter costs half a second per step. The children fork from multiprocessing's fork server (one
clean process with the lake code imported), never from the test runner: a fork of the runner copies the
locks its other tests' threads hold (exporters, writers, Arrow's pool) and, once in a while, a child
waited on one of them for ever.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

_WRITE = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_CHANGES = ("os.rename", "os.remove", "os.mkdir", "os.rmdir", "os.truncate")
_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class Killed:
    status: int  # the child's exit code: -9 when killed by SIGKILL
    changes: int  # how many changes it made, when it finished; -1 when killed

    @property
    def by_sigkill(self) -> bool:
        return self.status == -signal.SIGKILL


_FORKS = multiprocessing.get_context("forkserver")
_FORKS.set_forkserver_preload(["instrumentation.lake", __name__])


def compact_killed(lake: Path, step: int = 1_000_000, *, before_inputs_go: bool = False) -> Killed:
    read, write = _FORKS.Pipe(duplex=False)
    child = _FORKS.Process(target=_child, args=(lake, step, before_inputs_go, write))
    child.start()
    write.close()
    child.join(_TIMEOUT_S)
    if child.exitcode is None:
        child.kill()
        child.join()
        raise TimeoutError(f"the compaction child {child.pid} did not finish in {_TIMEOUT_S} s")
    try:
        changes = read.recv()  # what a child that finished reports
    except EOFError:  # killed: it reported nothing
        changes = -1
    finally:
        read.close()
    return Killed(child.exitcode, changes)


def _child(lake: Path, step: int, before_inputs_go: bool, report: Connection) -> None:
    report.send(_run(lake, step, before_inputs_go))


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
