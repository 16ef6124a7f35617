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


def lake_glob(lake_dir: Path) -> str | None:
    """The lake's span glob, or None when the lake holds no segment yet (DuckDB errors on an empty glob)."""
    from instrumentation.lake import traces_dir, traces_glob

    folder = traces_dir(lake_dir)
    if not folder.is_dir() or next(folder.glob("dt=*/*.parquet"), None) is None:
        return None
    return traces_glob(lake_dir)
