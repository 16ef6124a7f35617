"""SQL lives in ``evals/_store/sql/*.sql``; this reads it and runs it on DuckDB with bound parameters.

Queries over the lake get its live segment files bound as ``$segments``; a segment that cannot be read
(truncated, not Parquet) is set aside by the lake with a warning naming it, and the rest is read.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any


@cache
def query(name: str) -> str:
    return resources.files("evals._store").joinpath("sql", f"{name}.sql").read_text(encoding="utf-8")


def fetch(name: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    import duckdb

    with duckdb.connect() as con:
        return con.execute(query(name), params).fetchall()


def fetch_lake(name: str, lake_dir: Path, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
    """Run query ``name`` over the lake's live segment files, bound as ``$segments``; [] when it has none.

    The files come from the lake's one listing rule (``instrumentation.lake.read_segments``): a read that
    races a compaction is retried on a new snapshot, and a bad segment is set aside with a warning
    naming it, not fatal.
    """
    from instrumentation.lake import Segment, read_segments

    def read(snapshot: list[Segment]) -> list[tuple[Any, ...]]:
        bound = {**(params or {}), "segments": [str(s.path) for s in snapshot]}
        return fetch(name, bound) if snapshot else []

    return read_segments(lake_dir, read)
