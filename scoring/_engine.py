"""The DuckDB side: a typed staging table kept in step with the lake, segment by segment.

The lake's Parquet segments are loaded once into ``spans`` (and ``eval_scores``) in
``HARNESS_HOME/harness.duckdb``; later runs load only new segments and drop rows of segments
that disappeared (compaction), so a warm scorecard never re-reads raw MAP columns.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from instrumentation import PriceBook
from instrumentation.errors import HarnessError
from scoring import _sql

DATABASE_FILE = "harness.duckdb"


class ScoringError(HarnessError):
    """The scorecard cannot be computed; the message says which input and what to do."""


class Engine:
    """One DuckDB connection over one lake, synced on open; views live per connection."""

    def __init__(self, lake_dir: Path, database: Path | str | None = None, price_book: Path | None = None) -> None:
        self.lake_dir = Path(lake_dir)
        self.price_book = PriceBook.from_file(price_book)
        try:
            self.conn = duckdb.connect(str(database) if database is not None else ":memory:")
        except duckdb.Error as exc:
            raise ScoringError(f"cannot open {database}: {exc} (another process may hold it; retry)") from exc
        self.conn.execute("SET TimeZone = 'UTC'")
        self._ensure_schema()
        self.loaded_segments = self.sync()
        self._refresh_prices()
        self.conn.execute(_sql.read("session"))
        for name in _sql.VIEWS:
            self.conn.execute(_sql.create_view_statement(name))

    def close(self) -> None:
        self.conn.close()

    def _ensure_schema(self) -> None:
        version = _sql.schema_version()
        self.conn.execute("CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        if row is not None and row[0] != version:
            for table in ("segments", "spans", "eval_scores", "prices"):
                self.conn.execute(f"DROP TABLE IF EXISTS {table}")
        self.conn.execute(_sql.read("tables"))
        self.conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", [version])

    def _segments_on_disk(self) -> dict[str, tuple[int, float]]:
        found: dict[str, tuple[int, float]] = {}
        for path in sorted((self.lake_dir / "otel_traces").glob("dt=*/*.parquet")):
            try:
                stat = os.stat(path)
            except FileNotFoundError:  # compacted away while we listed
                continue
            found[str(path)] = (stat.st_size, stat.st_mtime)
        return found

    def sync(self) -> int:
        """Load new segments, forget vanished or rewritten ones; returns how many segments were loaded."""
        current = self._segments_on_disk()
        known = {path: (size, mtime) for path, size, mtime in self.conn.execute("SELECT * FROM segments").fetchall()}
        stale = [path for path, stamp in known.items() if current.get(path) != stamp]
        new = [path for path, stamp in current.items() if known.get(path) != stamp]
        if not stale and not new:
            return 0
        self.conn.execute("BEGIN TRANSACTION")
        try:
            if stale:
                for table in ("spans", "eval_scores", "segments"):
                    column = "path" if table == "segments" else "segment"
                    self.conn.execute(f"DELETE FROM {table} WHERE {column} IN (SELECT unnest($stale))", {"stale": stale})
            if new:
                self.conn.execute(_sql.read("load_spans"), {"segments": new})
                self.conn.execute(_sql.read("load_eval_scores"), {"segments": new})
                self.conn.executemany(
                    "INSERT INTO segments VALUES (?, ?, ?)", [[path, *current[path]] for path in new]
                )
            self.conn.execute("COMMIT")
        except duckdb.Error as exc:
            self.conn.execute("ROLLBACK")
            raise ScoringError(f"cannot load the lake at {self.lake_dir}: {exc}") from exc
        return len(new)

    def _refresh_prices(self) -> None:
        rows = []
        for provider, model in self.conn.execute(_sql.read("missing_prices")).fetchall():
            price = self.price_book.lookup(provider or "", model)
            if price is not None:
                base = price.base
                rows.append([provider, model, base.input, base.output, base.cache_read, base.cache_write])
        self.conn.execute("DELETE FROM prices")
        if rows:
            self.conn.executemany("INSERT INTO prices VALUES (?, ?, ?, ?, ?, ?)", rows)

    def set_scope(self, since: datetime, until: datetime, env: str, systems: Iterable[Sequence[Any]]) -> None:
        self.conn.execute("DELETE FROM params")
        self.conn.execute("INSERT INTO params VALUES (?, ?, ?)", [_naive(since), _naive(until), env])
        self.conn.execute("DELETE FROM scope_systems")
        rows = [list(row) for row in systems]
        if rows:
            self.conn.executemany("INSERT INTO scope_systems VALUES (?, ?, ?, ?, ?)", rows)

    def observed_systems(self) -> list[tuple[str, str | None, bool, bool]]:
        return [tuple(row) for row in self.conn.execute(_sql.read("observed_systems")).fetchall()]  # type: ignore[misc]

    def rows(self, view: str) -> list[dict[str, Any]]:
        """Every row of an allow-listed view as dicts."""
        cursor = self.conn.execute(f"SELECT * FROM {_checked(view)}")
        names = [d[0] for d in cursor.description or []]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def frame(self, view: str) -> pl.DataFrame:
        return self.conn.execute(f"SELECT * FROM {_checked(view)}").pl()


def _checked(view: str) -> str:
    if view not in _sql.VIEWS:
        raise ScoringError(f"unknown view {view!r}; views: {', '.join(_sql.VIEWS)}")
    return view


def _naive(moment: datetime) -> datetime:
    """UTC wall time without tzinfo: the staging tables hold naive UTC timestamps."""
    from datetime import UTC

    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
