"""SQL lives in ``evals/_store/sql/*.sql``; this reads it and runs it on DuckDB with bound parameters.

Queries over the lake get its segment files bound as ``$segments``. A segment that cannot be read
(truncated, not Parquet) is skipped with a warning naming it, and the rest is read.
"""

from __future__ import annotations

import logging
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from evals.errors import EvalError

_log = logging.getLogger("evals")


@cache
def query(name: str) -> str:
    return resources.files("evals._store").joinpath("sql", f"{name}.sql").read_text(encoding="utf-8")


def fetch(name: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    import duckdb

    with duckdb.connect() as con:
        return con.execute(query(name), params).fetchall()


def lake_segments(lake_dir: Path) -> list[str]:
    """The lake's span segments (none when the lake is empty or absent)."""
    from instrumentation.lake import traces_dir

    folder = traces_dir(lake_dir)
    return sorted(str(p) for p in folder.glob("dt=*/*.parquet")) if folder.is_dir() else []


def fetch_lake(name: str, lake_dir: Path, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
    """Run a query over the lake's segments, bound as ``$segments``, skipping any that cannot be read."""
    import duckdb

    segments = lake_segments(lake_dir)
    if not segments:
        return []
    try:
        return fetch(name, {**(params or {}), "segments": segments})
    except duckdb.Error as exc:
        unreadable = [path for path in segments if not _readable(path)]
        if not unreadable:
            raise EvalError(f"cannot read the lake at {lake_dir}: {exc}") from exc
        _warn_once(unreadable)
        readable = [path for path in segments if path not in unreadable]
        return fetch(name, {**(params or {}), "segments": readable}) if readable else []


_warned: set[str] = set()


def _warn_once(paths: list[str]) -> None:
    new = [p for p in paths if p not in _warned]
    if new:
        _warned.update(new)
        _log.warning(
            "skipped %d unreadable lake segment(s) (truncated or not Parquet): %s; move them out of the lake",
            len(new),
            ", ".join(new),
        )


def _readable(path: str) -> bool:
    import duckdb

    try:
        duckdb.execute("SELECT count(*) FROM read_parquet($path)", {"path": path}).fetchall()
    except duckdb.Error:
        return False
    return True
