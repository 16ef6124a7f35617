"""``harness lake compact`` killed with SIGKILL between two of its filesystem changes, in a child process.

The child counts its filesystem changes through audit events (every open for writing, rename, replace,
unlink, mkdir) and kills itself just before change ``step``, or just before it deletes the first
compaction input (``before_inputs_go``: the merged output is in, every input still there). A step past
the last change lets it finish; it then prints how many changes it made.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

_SCRIPT = """
import os, signal, sys
from pathlib import Path
from instrumentation.lake import compact

lake, kill_at, before_inputs_go = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "1"
changes = 0
_WRITE = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND

def hook(event, args):
    global changes
    if event == "open":
        flags = args[2]
        if not isinstance(flags, int) or not flags & _WRITE:
            return
    elif event not in ("os.rename", "os.remove", "os.mkdir", "os.rmdir", "os.truncate"):
        return
    changes += 1
    removing_input = event == "os.remove" and Path(str(args[0])).name.startswith("part-")
    if changes == kill_at or (before_inputs_go and removing_input):
        os.kill(os.getpid(), signal.SIGKILL)

sys.addaudithook(hook)
compact(lake)
sys.stdout.write(str(changes))
"""


def compact_killed(
    lake: Path, step: int = 1_000_000, *, before_inputs_go: bool = False
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-B", "-c", _SCRIPT, str(lake), str(step), "1" if before_inputs_go else "0"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
