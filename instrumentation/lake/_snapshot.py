"""What a reader reads: the live segments of the lake, by one rule every reader applies.

A segment is a ``part-*.parquet`` file in a ``dt=*`` partition of ``otel_traces``. Compaction writes a
plan (``compact-*.json``: inputs and output) before it renames its output in, and removes the plan only
after its inputs; so a segment is *live* unless a plan names it as an input and that plan's output is in
the same listing. The plans are listed after the segments, and every live segment is checked to still
exist afterwards: a compaction that finished in between (plan and inputs gone) makes the listing retry
instead of slipping its inputs past the rule. A reader therefore never counts a span twice.

``read_segments`` runs a read on such a snapshot under the readers' lease (``_lock``: compaction deletes
the inputs it replaced only when no reader holds one), and retries it when a segment vanished under it
anyway (a read-only lake gets no lease) or turns out not to read (then set aside); any other error is
the reader's own.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from instrumentation.errors import HarnessError
from instrumentation.lake._layout import partition_dirs, traces_dir
from instrumentation.lake._lock import readers_lease

T = TypeVar("T")
PLAN_PREFIX = "compact-"
_ATTEMPTS = 20


@dataclass(frozen=True, slots=True)
class Segment:
    """One segment file and its size and mtime when listed (a rewritten file gets a new stamp)."""

    path: Path
    size: int
    mtime: float

    @property
    def stamp(self) -> tuple[int, float]:
        return (self.size, self.mtime)


def is_segment_name(name: str) -> bool:
    return name.startswith("part-") and name.endswith(".parquet")


def is_plan_name(name: str) -> bool:
    return name.startswith(PLAN_PREFIX) and name.endswith(".json")


def read_plan(path: Path) -> tuple[list[str], str] | None:
    """A compaction plan's input names and output name; None when it is gone or not a plan."""
    try:
        plan = json.loads(path.read_text(encoding="utf-8"))
        inputs, output = plan["inputs"], plan["output"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not isinstance(output, str) or not isinstance(inputs, list) or not all(isinstance(i, str) for i in inputs):
        return None
    return inputs, output


def segments(lake_dir: Path, *, trusted: Callable[[Segment], bool] | None = None) -> list[Segment]:
    """The live segments, each checked (footer and columns) unless ``trusted``; bad ones are set aside."""
    lake_dir = Path(lake_dir)
    for _ in range(_ATTEMPTS):
        listed = _live(lake_dir)
        if listed is None:
            continue
        sound = [(s, (trusted is not None and trusted(s)) or _sound(lake_dir, s)) for s in listed]
        if all(ok is not None for _, ok in sound):
            return [s for s, ok in sound if ok]
    raise HarnessError(f"{lake_dir}: the lake kept changing while it was listed {_ATTEMPTS} times; retry")


def has_segments(lake_dir: Path) -> bool:
    """Whether the lake holds any segment file: a listing that stops at the first (a compaction always leaves
    its inputs or its output), for a reader that only refuses an empty lake."""
    return any(is_segment_name(name) for folder in partition_dirs(Path(lake_dir)) for name in _names(folder))


def read_segments(
    lake_dir: Path, read: Callable[[list[Segment]], T], *, trusted: Callable[[Segment], bool] | None = None
) -> T:
    """``read(snapshot)``, retried on a fresh snapshot when the lake, not the reader, made it fail."""
    for attempt in range(_ATTEMPTS):
        with readers_lease(traces_dir(lake_dir)):  # compaction deletes nothing while we hold it
            snapshot = segments(lake_dir, trusted=trusted)
            try:
                return read(snapshot)
            except Exception:
                if attempt == _ATTEMPTS - 1 or not _settle(Path(lake_dir), snapshot, trusted):
                    raise
    raise AssertionError("unreachable")  # pragma: no cover


def _live(lake_dir: Path) -> list[Segment] | None:
    """The live segments of one listing, or None when the lake changed under it (list again)."""
    live: list[Segment] = []
    for folder in partition_dirs(lake_dir):
        found = _listed_segments(folder)
        superseded: set[str] = set()
        for name in sorted(n for n in _names(folder) if is_plan_name(n)):  # after the segments: see above
            plan = read_plan(folder / name)
            if plan is not None and plan[1] in found:
                superseded.update(plan[0])
        live += [segment for name, segment in sorted(found.items()) if name not in superseded]
    if any(_stamp(s.path) != s.stamp for s in live):
        return None
    return live


def _listed_segments(folder: Path) -> dict[str, Segment]:
    found = {}
    for name in _names(folder):
        if is_segment_name(name):
            stamp = _stamp(folder / name)
            if stamp is not None:
                found[name] = Segment(folder / name, *stamp)
    return found


def _names(folder: Path) -> list[str]:
    try:
        return os.listdir(folder)
    except FileNotFoundError:
        return []


def _stamp(path: Path) -> tuple[int, float] | None:
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return None
    return (stat.st_size, stat.st_mtime)


def _sound(lake_dir: Path, segment: Segment) -> bool | None:
    """Whether the segment may be read (False: it was set aside); None when it vanished (list again)."""
    from instrumentation.lake._quarantine import footer_problem, quarantine  # pyarrow: only for an unchecked one

    try:
        problem = footer_problem(segment.path)
    except FileNotFoundError:
        return None  # compacted away since the listing, perhaps into an output this listing did not see
    if problem is None:
        return True
    quarantine(lake_dir, segment.path, problem)
    return False


def _settle(lake_dir: Path, snapshot: list[Segment], trusted: Callable[[Segment], bool] | None) -> bool:
    """After a failed read: whether the lake explains it (a segment vanished, or one does not read and is
    now set aside), so that a retry on a new snapshot can succeed."""
    if any(_stamp(s.path) != s.stamp for s in snapshot):
        return True
    from instrumentation.lake._quarantine import quarantine, read_problem  # pyarrow: only after a failed read

    settled = False
    for segment in snapshot:
        if trusted is not None and trusted(segment):
            continue
        try:
            problem = read_problem(segment.path)
        except FileNotFoundError:
            return True
        if problem is not None:
            quarantine(lake_dir, segment.path, problem)
            settled = True
    return settled
