"""A segment that does not read, or does not have the lake's columns, is set aside with a reason.

It moves to ``<lake>/quarantine/<its path in the lake>`` beside a ``<name>.reason`` text file (what was
wrong, when, which process), and one warning line names it; every reader then reads the rest. Errors of
the environment (permission denied, too many open files) are not the segment's fault: they are raised.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from instrumentation.lake._layout import QUARANTINE_DIR, quarantine_dir
from instrumentation.lake._schema import TRACES_SCHEMA

_log = logging.getLogger("instrumentation.lake")
_SOURCE = re.compile(r"^Could not open Parquet input source '.*?': ")


def schema_problem(schema: pa.Schema) -> str | None:
    """What sets ``schema`` apart from the lake's ``otel_traces`` columns, or None when it has exactly them."""
    expected = {f.name: f.type for f in TRACES_SCHEMA}
    found = {f.name: f.type for f in schema}
    missing = [name for name in expected if name not in found]
    extra = [name for name in found if name not in expected]
    retyped = [f"{n} is {found[n]}" for n in expected if n in found and not found[n].equals(expected[n])]
    problems = [
        f"missing columns {_few(missing)}" if missing else "",
        f"unexpected columns {_few(extra)}" if extra else "",
        _few(retyped, sep="; "),
    ]
    text = "; ".join(p for p in problems if p)
    return f"not the lake's schema: {text}" if text else None


def _few(names: list[str], sep: str = ", ", most: int = 4) -> str:
    shown = sep.join(names[:most])
    return shown if len(names) <= most else f"{shown}{sep}... ({len(names)} in all)"


def content_problem(exc: BaseException) -> str | None:
    """The reason to set a segment aside when reading it raised ``exc``; None for the environment's errors."""
    if isinstance(exc, OSError) and exc.errno is not None:
        return None  # permission denied, vanished, out of file handles: not the segment's content
    if isinstance(exc, OSError | pa.ArrowException | ValueError):
        return f"does not read as Parquet: {_brief(exc)}"
    return None


def _brief(exc: BaseException) -> str:
    """The error's first line without the file name pyarrow repeats (the warning names the file once)."""
    text = _SOURCE.sub("", str(exc).strip()).splitlines()
    first = text[0].split(". ")[0].rstrip(".") if text else type(exc).__name__
    return first if len(first) <= 160 else first[:157] + "..."


def footer_problem(path: Path) -> str | None:
    """Why the segment at ``path`` is bad, judged from its footer; None when it looks like a lake segment."""
    return _problem(lambda: pq.read_schema(path))


def read_problem(path: Path) -> str | None:
    """Why the segment does not read in full (its pages, not only its footer), or None."""
    return _problem(lambda: pq.read_table(path).schema)


def _problem(schema_of: Callable[[], pa.Schema]) -> str | None:
    try:
        schema = schema_of()
    except Exception as exc:  # classified: the content's problems are reasons, the environment's go back up
        problem = content_problem(exc)
        if problem is None:
            raise
        return problem
    return schema_problem(schema)


def quarantine(lake_dir: Path, segment: Path, reason: str) -> None:
    """Move ``segment`` into the quarantine folder with a reason file and say so in one warning line.

    When it cannot be moved (a read-only lake) it stays where it is and the warning says it was skipped.
    """
    lake_dir = Path(lake_dir)
    relative = segment.relative_to(lake_dir)
    target = quarantine_dir(lake_dir) / relative
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(segment, target)  # first the move: a reader racing us for the same file finds it gone
    except FileNotFoundError:
        return  # another reader set it aside first, and said so
    except OSError as exc:
        _log.warning("harness: skipped lake segment %s (%s); could not move it aside: %s", relative, reason, exc)
        return
    _write_reason(target, relative, reason)
    _log.warning(
        "harness: set aside lake segment %s (%s) into %s; reading the rest", relative, reason, lake_dir / QUARANTINE_DIR
    )


def _write_reason(target: Path, relative: Path, reason: str) -> None:
    when = datetime.now(UTC).isoformat(timespec="seconds")
    text = f"segment: {relative}\nreason: {reason}\nat: {when}\nby: pid {os.getpid()}\n"
    try:
        target.with_name(target.name + ".reason").write_text(text, encoding="utf-8")
    except OSError:
        pass  # the segment is aside and the warning named it; a missing reason file is no reason to fail
