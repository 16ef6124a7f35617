"""SQL lives in ``evals/sql/*.sql``; this reads it and runs it on DuckDB with bound parameters."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any


@cache
def query(name: str) -> str:
    return resources.files("evals").joinpath("sql", f"{name}.sql").read_text(encoding="utf-8")


def fetch(name: str, params: list[Any]) -> list[tuple[Any, ...]]:
    import duckdb

    with duckdb.connect() as con:
        return con.execute(query(name), params).fetchall()


def fetch_lake(name: str, lake_dir: Path, params: list[Any]) -> list[tuple[Any, ...]]:
    """Run query ``name`` with the lake's live segment files as its first parameter; [] when it has none.

    The files come from the lake's one listing rule (``instrumentation.lake.read_segments``): a read that
    races a compaction is retried on a new snapshot, and a bad segment is set aside, not fatal.
    """
    from instrumentation.lake import Segment, read_segments

    def read(snapshot: list[Segment]) -> list[tuple[Any, ...]]:
        return fetch(name, [[str(s.path) for s in snapshot], *params]) if snapshot else []

    return read_segments(lake_dir, read)
