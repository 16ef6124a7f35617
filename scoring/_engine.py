"""The DuckDB side: typed staging tables kept in step with the lake, segment by segment.

The lake's Parquet segments are loaded once into ``spans`` (plus ``eval_scores``, ``fact_spans``,
``span_rollup``, ``unpriced`` and ``orphans``) in ``HARNESS_HOME/harness.duckdb``; later runs load
only new segments and drop the rows of segments that disappeared (compaction), so a warm
scorecard never re-reads raw MAP columns. Calls recorded without cost are priced at load time
(and repriced when the price book or the genai-prices release changes). A sync commits the loads
first and then what is derived from them (orphans, eval traffic, prices, the per-day roll-ups of
``_sql.ROLLUPS``): see ``Engine._sync``.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, time, timedelta
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from instrumentation import PriceBook, lake
from instrumentation.lake import Segment, health_files, read_segments
from scoring import _compaction, _sql
from scoring.errors import ScoringError

if TYPE_CHECKING:
    import polars as pl  # DuckDB imports it when it builds a frame

DATABASE_FILE = "harness.duckdb"
# The health records (an Arrow table registered as health_input) as export_health rows: one per record and
# cause, numbered from 0; a record without loss is one row of cause NULL and 0 spans.
HEALTH_ROWS = """
INSERT INTO export_health
SELECT h."Timestamp", h."IntervalStart", h."WriterId", h."Exporter", h."Written", c.i - 1, h.e[c.i].key,
    coalesce(h.e[c.i].value, 0)
FROM (SELECT *, map_entries("DroppedByCause") AS e FROM {source}) AS h
CROSS JOIN LATERAL (SELECT unnest(range(1, greatest(len(h.e), 1) + 1)) AS i) AS c
"""


class Engine:
    """One DuckDB connection over one lake, synced on open; views live per connection."""

    name = "duckdb"
    dsn: str | None = None  # never a server

    def __init__(
        self,
        lake_dir: Path,
        database: Path | str | None = None,
        price_book: Path | None = None,
        feature_attribute: str | None = None,
    ) -> None:
        self.lake_dir = Path(lake_dir)
        self.price_book_path = price_book
        self.feature_attribute = feature_attribute or None
        try:
            self.conn = duckdb.connect(str(database) if database is not None else ":memory:")
        except duckdb.Error as exc:
            raise ScoringError(f"cannot open {database}: {exc} (another process may hold it; retry)") from exc
        try:
            self.conn.execute("SET TimeZone = 'UTC'")
            self.graph = self._ensure_schema()
            self.rolled_up: str | None = None  # how the last sync brought the roll-ups up to date: whole, grown,
            # relabelled (a compaction merged loaded segments: their rows were given the merged one's name)
            self.loaded_segments = self.sync()
            self.conn.execute(_sql.read("session"))
            self.health_unreadable = self._load_health()
            self.health_absent: str | None = None  # the lake holds the health records
        except BaseException:
            self.conn.close()  # release the database file (and any open transaction) for the next attempt
            raise

    def close(self) -> None:
        self.conn.close()

    def _ensure_schema(self) -> _sql.Graph:
        """Create (or rebuild, after the staging tables changed) the tables; return the SQL graph.

        A current database is only read: a warm open writes nothing before the sync."""
        version = _sql.schema_version()
        self.conn.execute("CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
        graph = self._graph()
        built = self._meta("schema")
        if built != version:  # the version digests every file of tables/, the mapping tables' included
            if built is not None:
                for table in ("segments", "prices", *graph.derived):
                    self.conn.execute(f"DROP TABLE IF EXISTS {table}")
                self.conn.execute(f"DROP TYPE IF EXISTS {_sql.SPAN_CLASS_TYPE}")
                self.conn.execute("DELETE FROM meta")
            self.conn.execute(_sql.span_class_type())
            self.conn.execute(_sql.read("tables"))
            for name in _sql.MAPPING_TABLES:  # the dialects' mapping table, built from its file
                self.conn.execute(_sql.read(name))
            self.conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", [version])
        stored = self._graph_key() + graph.to_json()
        if self._meta("sql_graph") != stored:
            self.conn.execute("INSERT OR REPLACE INTO meta VALUES ('sql_graph', ?)", [stored])
        return graph

    @staticmethod
    def _graph_key() -> str:
        return f"{_sql.sql_version()}:"

    def _graph(self) -> _sql.Graph:
        """The SQL graph, derived once per SQL version and kept in the database (parsing costs more than scoring)."""
        stored = self._meta("sql_graph")
        key = self._graph_key()
        return _sql.graph(stored.removeprefix(key) if stored is not None and stored.startswith(key) else None)

    def _meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return None if row is None else str(row[0])

    def sync(self) -> int:
        """Load new segments, forget vanished or rewritten ones, keep orphans and prices current.

        Returns how many segments were loaded. A warm call (nothing changed) only lists the lake. The
        lake is read through its one listing rule (``instrumentation.lake.read_segments``): a segment
        compacted away meanwhile makes it retry, a bad one is set aside and the rest is loaded.
        """
        trusted = self._known()
        # what is loaded is read again at each attempt: a retried sync may follow one whose load committed
        return read_segments(
            self.lake_dir,
            lambda snapshot: self._sync(snapshot, self._known()),
            trusted=lambda s: trusted.get(str(s.path)) == s.stamp,
        )

    def _known(self) -> dict[str, tuple[int, float]]:
        """The loaded segments' stamps; every one stale when the feature attribute changed (read at load)."""
        known = {path: (size, mtime) for path, size, mtime in self.conn.execute("SELECT * FROM segments").fetchall()}
        if self._meta("feature_attribute") != (self.feature_attribute or ""):
            known = {path: (-1, -1.0) for path in known}  # features are read at load: reload every segment
        return known

    def _sync(self, snapshot: list[Segment], known: dict[str, tuple[int, float]]) -> int:
        """Two transactions: the loads, then what is derived from the loaded rows (orphans, eval traffic, prices,
        roll-ups).

        DuckDB rewrites, at commit, every row that was both inserted and updated in the transaction (a second
        copy of the whole load: 7 s of a 10M-span cold start), so the updates run after the load commits. A
        failure in between leaves the ``derive`` mark, and the next sync derives over every segment.
        """
        current = {str(segment.path): segment.stamp for segment in snapshot}
        stale = [path for path, stamp in known.items() if current.get(path) != stamp]
        new = [path for path, stamp in current.items() if known.get(path) != stamp]
        merges = _compaction.merges(new, stale, known, current) if stale and new else {}
        if merges:  # their inputs' rows are the merged segments' rows: relabelled, not read again
            with self._transaction():
                _compaction.relabel(self.conn, self.graph, merges, current)
                _compaction.restage_loads(self.conn, self.graph, list(merges))
                self._roll_up(list(merges), again=True)
            merged = {source for sources in merges.values() for source in sources}
            stale = [path for path in stale if path not in merged]
            new = [path for path in new if path not in merges]
            self.rolled_up = "relabelled"
        prices_key = self._prices_key()
        prices_changed = self._meta("prices") != prices_key
        unfinished = self._meta("derive") is not None
        if not stale and not new and not prices_changed and not unfinished:
            return 0
        if stale or new:
            with self._transaction():
                self._forget(stale)
                self._load(new, current)
                self.conn.execute("INSERT OR REPLACE INTO meta VALUES ('derive', 'pending')")
                self.conn.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('feature_attribute', ?)", [self.feature_attribute or ""]
                )
        with self._transaction():
            everything = bool(stale) or unfinished
            # only the added segments' spans change (no older one's eval traffic or prices): the roll-ups grow by them
            added = len(new) < len(current) and not everything and not prices_changed and not self._reached(new)
            self._track_orphans(new, rebuild=everything)
            if everything:  # a forgotten eval case no longer marks its trace
                self.conn.execute(_sql.read("eval_traffic_reset"))
            if new or everything:
                self.conn.execute(_sql.read("eval_traffic"))
            self._price(list(current) if prices_changed or everything else new)
            self._roll_up(new if added else None)
            self.conn.execute("INSERT OR REPLACE INTO meta VALUES ('prices', ?)", [prices_key])
            self.conn.execute("DELETE FROM meta WHERE key = 'derive'")
        return len(new)

    def _reached(self, new: list[str]) -> bool:
        """Whether an eval case of the ``new`` segments is about to mark spans of an older segment."""
        reached = self.conn.execute(_sql.read("eval_traffic_reach"), {"segments": new}).fetchone()
        return reached is not None

    def _roll_up(self, added: list[str] | None, *, again: bool = False) -> None:
        """Bring the roll-ups of ``_sql.ROLLUPS`` up to date: grown by the rows of the segments this sync ``added``,
        or rebuilt whole from every segment (``added`` None).

        Growing them is exact: a roll-up row sums the spans of its own segment, except trace_rollup's ``whole`` (a
        trace's rows in older segments lose it when the added ones hold its calls too) and request_rollup, a count
        over all of trace_rollup, rebuilt whole either way. duration_index keeps its sort within each sync's rows
        only: the added rows form row groups of their own, read whatever bins are asked, until the next whole
        rebuild (a sync that forgets a segment, reprices, or marks an older segment's spans as eval traffic).

        ``again``: the ``added`` segments' rows are in already (a compaction's merged segments, relabelled): they are
        replaced by one row per key, as one load of each gives; duration_index, which keeps no segment, keeps the
        same spans' rows.
        """
        if added is None:
            segments = [str(row[0]) for row in self.conn.execute("SELECT path FROM segments").fetchall()]
        for rollup in _sql.ROLLUPS:
            text = _sql.read(rollup)
            bound = "$segments" in text
            if again and rollup == "duration_index":
                continue
            if added is None or not bound:
                self.conn.execute(f"DELETE FROM {rollup}")
            elif again:
                self.conn.execute(f"DELETE FROM {rollup} WHERE segment IN (SELECT unnest($s))", {"s": added})
            self.conn.execute(text, {"segments": segments if added is None else added} if bound else None)
            if rollup == "trace_rollup" and added is not None:
                self.conn.execute(_sql.read("trace_rollup_whole"), {"segments": added})
        self.rolled_up = "whole" if added is None else "grown"

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self.conn.execute("BEGIN TRANSACTION")
        try:
            yield
            self.conn.execute("COMMIT")
        except duckdb.Error as exc:
            self.conn.execute("ROLLBACK")
            raise ScoringError(f"cannot load the lake at {self.lake_dir}: {exc}") from exc
        except BaseException:  # a price book that went away, an interrupt: the connection stays usable
            self.conn.execute("ROLLBACK")
            raise

    def _forget(self, stale: list[str]) -> None:
        if not stale:
            return
        for table in self.graph.derived:
            if table not in _sql.ROLLUPS:  # emptied and rebuilt after every such sync
                self.conn.execute(f"DELETE FROM {table} WHERE segment IN (SELECT unnest($stale))", {"stale": stale})
        self.conn.execute("DELETE FROM segments WHERE path IN (SELECT unnest($stale))", {"stale": stale})

    def _load(self, new: list[str], current: dict[str, tuple[int, float]]) -> None:
        if not new:
            return
        bound: dict[str, object] = {"segments": new, "feature_attribute": self.feature_attribute}
        for load in self.graph.loads:
            text = _sql.read(load)
            if "$record_segments" in text:  # such a load reads spans, so it runs after load_spans
                bound["record_segments"] = self._record_segments(new)
                if not bound["record_segments"]:
                    continue  # nothing to read (read_parquet of no files is an error)
            self.conn.execute(text, {name: value for name, value in bound.items() if f"${name}" in text})
        self.conn.executemany("INSERT INTO segments VALUES (?, ?, ?)", [[path, *current[path]] for path in new])

    def _record_segments(self, new: list[str]) -> list[str]:
        """The segments of ``new`` holding a span with a harness.record.type (facts, eval cases, predictions)."""
        rows = self.conn.execute(
            "SELECT DISTINCT segment FROM spans WHERE record_type IS NOT NULL AND segment IN (SELECT unnest($s))",
            {"s": new},
        ).fetchall()
        return sorted(str(row[0]) for row in rows)

    def _load_health(self) -> list[str]:
        """Copy the lake's export health records into ``export_health``; return the files that did not read.

        They are read on every open, not kept with the segments: a writer adds one whenever it loses spans,
        and at a clean shutdown. DuckDB reads them all at once; only when that fails (a file that does not
        read, or an old one without a column) are they read one by one through pyarrow, which names the
        files it could not read.
        """
        self.conn.execute(_sql.read("session_health"))
        files = [str(path) for path in health_files(self.lake_dir)]
        if not files:
            return []
        try:
            self.conn.execute(HEALTH_ROWS.format(source="read_parquet($files, union_by_name = true)"), {"files": files})
            return []
        except duckdb.Error:
            self.conn.execute("DELETE FROM export_health")
        records, unreadable = lake.health_records(self.lake_dir)
        if records.num_rows:  # through Arrow: converting its zoned timestamps to Python imports pandas (0.2 s)
            self.conn.register("health_input", records)
            try:
                self.conn.execute(HEALTH_ROWS.format(source="health_input"))
            finally:
                self.conn.unregister("health_input")
        return unreadable

    def _track_orphans(self, new: list[str], *, rebuild: bool) -> None:
        if rebuild:  # a rewritten segment may have held anyone's parent: recompute from every segment
            self.conn.execute("DELETE FROM orphans")
            new = [row[0] for row in self.conn.execute("SELECT path FROM segments").fetchall()]
        if new:
            self.conn.execute(_sql.read("orphans_resolve"), {"segments": new})
            self.conn.execute(_sql.read("orphans_add"), {"segments": new})

    def _prices_key(self) -> str:
        """Changes when the price book's content, the rules its entries match calls by, or the genai-prices release
        changes."""
        digest = hashlib.sha256(importlib.metadata.version("genai-prices").encode())
        digest.update(PriceBook.RULES.encode())
        if self.price_book_path is not None:
            try:
                digest.update(Path(self.price_book_path).read_bytes())
            except OSError as exc:
                raise ScoringError(f"{self.price_book_path}: cannot read the price book: {exc}") from exc
        return digest.hexdigest()[:16]

    def _price(self, segments: list[str]) -> None:
        """Rebuild the price table for unpriced (provider, model) pairs and price those segments' calls."""
        if not segments:
            return
        rows = price_rows(self.price_book_path, self.conn.execute(_sql.read("missing_prices")).fetchall())
        self.conn.execute("DELETE FROM prices")
        if rows:
            self.conn.executemany(f"INSERT INTO prices VALUES ({', '.join('?' * len(PRICE_COLUMNS))})", rows)
        self.conn.execute(
            "UPDATE spans SET priced_cost = NULL WHERE priced_cost IS NOT NULL AND segment IN (SELECT unnest($s))",
            {"s": segments},
        )
        self.conn.execute(_sql.read("call_costs"), {"segments": segments})
        self.conn.execute(_sql.read("price_calls"), {"segments": segments})
        self.conn.execute("DELETE FROM call_costs")

    def set_scope(
        self,
        since: datetime,
        until: datetime,
        env: str,
        systems: Iterable[Sequence[Any]],
        *,
        materialize: bool = True,
        views: Iterable[str] | None = None,
        retention_days: int = 183,
    ) -> None:
        """Bind the window, environment, retention period and systems, then create the views (every one, or
        ``views`` and what they read).

        With ``materialize`` the shared views are computed once into temp tables (see ``_sql.LAZY_VIEWS``).
        """
        self.conn.execute("SET VARIABLE since = CAST(? AS TIMESTAMP)", [_naive(since)])
        self.conn.execute("SET VARIABLE until = CAST(? AS TIMESTAMP)", [_naive(until)])
        first, end = whole_days(since, until)
        self.conn.execute("SET VARIABLE whole_since = CAST(? AS TIMESTAMP)", [first])
        self.conn.execute("SET VARIABLE whole_until = CAST(? AS TIMESTAMP)", [end])
        self.conn.execute("SET VARIABLE env = CAST(? AS VARCHAR)", [env])
        self.conn.execute("SET VARIABLE retention_days = CAST(? AS INTEGER)", [retention_days])
        self.conn.execute("DELETE FROM scope_systems")
        rows = [list(row) for row in systems]
        if rows:
            self.conn.executemany("INSERT INTO scope_systems VALUES (?, ?, ?, ?, ?, ?)", rows)
        for name in self.graph.views if views is None else self.graph.closure(views):
            self.conn.execute(_sql.create_statement(name, materialize=materialize))

    def observed_systems(self) -> list[tuple[str, str | None, bool, bool, bool]]:
        """(name, declared kind, has LLM spans, has predictions, has agent runs) of every system in the lake."""
        rows = self.conn.execute(_sql.read("observed_systems")).fetchall()
        return [(str(name), kind, bool(llm), bool(pred), bool(agents)) for name, kind, llm, pred, agents in rows]

    def rows(self, view: str) -> list[dict[str, Any]]:
        """Every row of an allow-listed view as dicts."""
        cursor = self.conn.execute(f"SELECT * FROM {_checked(view)}")
        names = [d[0] for d in cursor.description or []]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def frame(self, view: str) -> pl.DataFrame:
        frame: pl.DataFrame = self.conn.sql(f"SELECT * FROM {_checked(view)}").pl()
        return frame

    def select(self, sql: str, parameters: Mapping[str, object] | None = None) -> pl.DataFrame:
        """The rows of one read-only SELECT (a user's query over the views: nothing else is run), values bound."""
        try:
            statements = self.conn.extract_statements(sql)
        except duckdb.Error as exc:
            raise ScoringError(f"the query does not parse: {exc}") from exc
        if len(statements) != 1 or statements[0].type != duckdb.StatementType.SELECT:
            raise ScoringError("give one SELECT statement (the scoring views are read-only)")
        try:
            frame: pl.DataFrame = self.conn.sql(sql, params=dict(parameters) if parameters else None).pl()
        except duckdb.Error as exc:
            unknown = (
                _sql.unknown_relation(sql, self._has_relation) if isinstance(exc, duckdb.CatalogException) else None
            )
            message = " ".join(str(exc).split())
            raise ScoringError(unknown or f"{message} ({_sql.readable()})") from exc
        return _whole_numbers(frame)

    def _has_relation(self, name: str) -> bool:
        """Whether the connection has a table or view ``name`` (information_schema lists both, temporary ones too)."""
        found = self.conn.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = $n", {"n": name})
        row = found.fetchone()
        return bool(row and row[0])


def _whole_numbers(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with its whole-number decimals (DuckDB's HUGEINT: a sum of counts) as integers, as ClickHouse
    returns them: JSON and CSV then print 21, not "21", on either engine."""
    import polars as pl

    whole = [name for name, dtype in frame.schema.items() if isinstance(dtype, pl.Decimal) and dtype.scale == 0]
    return frame.with_columns(pl.col(whole).cast(pl.Int128)) if whole else frame


def health_rows(lake_dir: Path) -> tuple[list[list[Any]], list[str]]:
    """The lake's export health records as ``export_health`` rows (one per record and cause), and the files
    that did not read."""
    records, unreadable = lake.health_records(lake_dir)
    rows = [
        [r["Timestamp"], r["IntervalStart"], r["WriterId"], r["Exporter"], r["Written"], index, cause, n]
        for r in records.to_pylist()
        for index, (cause, n) in enumerate(r["DroppedByCause"] or [(None, 0)])
    ]
    return rows, unreadable


# the columns of the prices table (tables.sql), in order: what price_rows fills
PRICE_COLUMNS = (
    "provider", "model", "service_tier", "speed", "starts", "ends", "day_from", "day_until", "above_tokens",
    "upto_tokens", "input_per_token", "output_per_token", "cache_read_per_token", "cache_write_per_token",
)  # fmt: skip


def price_rows(price_book: Path | None, priced: Iterable[Sequence[Any]]) -> list[list[Any]]:
    """Rows of the prices table (``PRICE_COLUMNS``) for the unpriced (provider, model, service tier, speed) that
    genai-prices or the book prices: one per period of the model's prices at that tier and speed over time and
    per token tier of each, so that every call matches one row (call_costs.sql)."""
    book = PriceBook.from_file(price_book)
    rows = []
    for provider, model, service_tier, speed in priced:
        schedule = book.schedule(provider or "", model, service_tier, speed)
        if schedule is None:
            continue
        for period, price in schedule.periods:
            starts = None if period.first_day is None else datetime.combine(period.first_day, time())
            ends = None if period.end_day is None else datetime.combine(period.end_day, time())
            bounds = [None, *(start for start, _ in price.tiers), None]
            tiers = [price.base, *(rates for _, rates in price.tiers)]
            for (above, upto), rates in zip(pairwise(bounds), tiers, strict=True):
                when = [starts, ends, period.day_from, period.day_until, above, upto]
                rates_row = [rates.input, rates.output, rates.cache_read, rates.cache_write]
                rows.append([provider, model, service_tier, speed, *when, *rates_row])
    return rows


def _checked(view: str) -> str:
    if view not in _sql.VIEWS:
        raise ScoringError(f"unknown view {view!r}; views: {', '.join(_sql.VIEWS)}")
    return view


def whole_days(since: datetime, until: datetime) -> tuple[datetime, datetime]:
    """The whole UTC days of the window ``[since, until)`` as ``[first, end)`` in naive UTC (the variables
    whole_since and whole_until): the roll-ups are summed over these days and the spans read only before
    ``first`` and from ``end`` on. A window within one day has ``first`` after ``end``, so no whole day."""
    start, stop = _naive(since), _naive(until)
    before = start - timedelta(microseconds=1)
    first = datetime(before.year, before.month, before.day) + timedelta(days=1)
    return first, datetime(stop.year, stop.month, stop.day)


def _naive(moment: datetime) -> datetime:
    """UTC wall time without tzinfo: the staging tables hold naive UTC timestamps."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
