"""The ClickHouse side: the same tables, views, metrics and criteria, translated (``_dialect``), over otel_traces.

Two ways in. With a DSN (``clickhouse://user:password@host:8123/database``) the engine reads the
``otel_traces`` table the Collector's ClickHouse exporter writes, through ``clickhouse-connect``, and
keeps its staging tables and views in a scratch database it drops on close (``_server``; a ``chdb://DIR`` DSN
is clickhouse-connect's transport to a chDB database on disk, the same calls). Without one it runs chDB
(ClickHouse in-process) over the lake's live segments, the snapshot DuckDB reads
(``instrumentation.lake.read_segments``, under the readers' lease), and the lake's export health
records; or over an ``otel_traces`` table already in a chDB session (``source_table``). Either way each
session loads the staging tables from the source once (ClickHouse scans are what it is for; nothing is
cached between runs) and then runs the scoring views exactly as DuckDB does. Every value reaches
ClickHouse as a bound query parameter; only DDL takes quoted literals (``_literal``).
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any, Protocol

import polars as pl
import pyarrow as pa

from instrumentation.lake import Segment, read_segments, traces_dir
from scoring import _dialect, _sql
from scoring._engine import PRICE_COLUMNS, _checked, _naive, health_rows, price_rows, whole_days
from scoring._server import ServerClient, checked_dsn
from scoring.errors import ScoringError

SOURCE_TABLE = "otel_traces"
SEGMENT = "clickhouse"  # the one "segment" a ClickHouse load records: its source is loaded whole
# Session settings that give ClickHouse DuckDB's (the SQL standard's) semantics where they differ.
SETTINGS: Mapping[str, Any] = {
    "join_use_nulls": 1,  # an unmatched LEFT JOIN row is NULL, not the type's default
    "group_by_use_nulls": 1,  # a column not grouped in a grouping set is NULL
    "aggregate_functions_null_for_empty": 1,  # avg/sum/quantile over no rows are NULL, not nan or 0
    "union_default_mode": "DISTINCT",
    "session_timezone": "UTC",
    "cast_string_to_date_time_mode": "best_effort",  # ISO 8601 with a zone, as DuckDB's TIMESTAMPTZ cast
    "mutations_sync": 2,  # an UPDATE (mutation) is done before the next statement
    "allow_nondeterministic_mutations": 1,  # UPDATE ... WHERE x IN (SELECT ...) and joinGet
    "prefer_column_name_to_alias": 1,  # DuckDB: in sum(calls) AS calls, calls is the column, not the alias
    "enable_positional_arguments": 1,  # ORDER BY an output name is rendered as its position (_dialect)
}
# Settings a recent ClickHouse has and an older one (or a user not allowed to change them) refuses, each with a
# query that needs it: a setting is used only where its query runs with it. enable_materialized_cte (ClickHouse
# 26.3+, experimental, needs the analyzer): a CTE read more than once is computed once (``_dialect``), which takes
# met_trajectory from 1.76 s to 0.28 s over 1M spans.
OPTIONAL_SETTINGS: Mapping[str, tuple[Any, str]] = {
    _dialect.MATERIALIZED_CTE: (1, "WITH c AS MATERIALIZED (SELECT 1 AS x) SELECT x FROM c JOIN c AS d ON c.x = d.x"),
}
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$")
_GLOB = re.compile(r"[*?{}]")  # what ClickHouse's file() reads as a pattern, not as a name
NO_HEALTH = (
    "the otel_traces table holds no export health records (the Collector writes none; "
    "only the lake's writers and harness collect do)"
)
_HEALTH_TYPES = (
    f"Nullable({_dialect.TIMESTAMP})", f"Nullable({_dialect.TIMESTAMP})", "Nullable(String)", "Nullable(String)",
    "Nullable(Int64)", "Nullable(Int32)", "Nullable(String)", "Nullable(Int64)",
)  # fmt: skip
_PRICE_TYPES = (  # of _engine.PRICE_COLUMNS
    "String", "String", "String", "String", _dialect.TIMESTAMP, _dialect.TIMESTAMP, "Int32", "Int32", "Int64", "Int64",
    "Float64", "Float64", "Float64", "Float64",
)  # fmt: skip


class Client(Protocol):
    materialized_cte: bool  # enable_materialized_cte is on: the views' shared CTEs are marked MATERIALIZED

    def command(self, sql: str, params: Mapping[str, Any] | None = None) -> None: ...
    def arrow(self, sql: str, params: Mapping[str, Any] | None = None) -> pa.Table: ...
    def close(self) -> None: ...


class ChdbClient:
    """A chDB session (in-process ClickHouse), private to this engine unless one is given."""

    def __init__(self, session: Any | None = None) -> None:
        try:
            from chdb import session as chdb_session
        except ImportError as exc:
            raise ScoringError("the clickhouse engine needs chDB: pip install 'llm-harness[clickhouse]'") from exc
        self.session = session if session is not None else chdb_session.Session()  # type: ignore[no-untyped-call]
        self._owned = session is None
        for name, value in SETTINGS.items():
            self.command(f"SET {name} = {_literal(value)}")
        usable = []
        for name, (value, trial) in OPTIONAL_SETTINGS.items():
            try:
                self.arrow(f"{trial} SETTINGS {name} = {_literal(value)}")
            except ScoringError:
                continue  # an older chDB: the queries go without it
            self.command(f"SET {name} = {_literal(value)}")
            usable.append(name)
        self.materialized_cte = _dialect.MATERIALIZED_CTE in usable
        # chDB runs one ClickHouse per process, whatever the session: each engine works in its own database
        self.scratch = f"harness_scoring_{uuid.uuid4().hex[:12]}"
        self.command(f"CREATE DATABASE {self.scratch}")
        self.command(f"USE {self.scratch}")

    def command(self, sql: str, params: Mapping[str, Any] | None = None) -> None:
        self._run(sql, params, "CSV")

    def arrow(self, sql: str, params: Mapping[str, Any] | None = None) -> pa.Table:
        table: pa.Table = self._run(sql, params, "ArrowTable")
        return table

    def _run(self, sql: str, params: Mapping[str, Any] | None, fmt: str) -> Any:
        try:
            bound = {name: _param_text(value) for name, value in params.items()} if params else None
            return self.session.query(sql, fmt, params=bound)
        except Exception as exc:  # chDB raises its own error classes for any ClickHouse exception
            raise ScoringError(f"ClickHouse (chDB): {' '.join(str(exc).split())[:600]}") from exc

    def close(self) -> None:
        try:
            self.command(f"DROP DATABASE IF EXISTS {self.scratch}")
        finally:
            if self._owned:
                self.session.close()


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\0": "\\0", "\b": "\\b", "\f": "\\f"})


def _param_text(value: Any) -> str:
    """A parameter's value as ClickHouse's escaped text format reads it (chDB binds text): exactly the value,
    whatever it holds (a backslash, a tab, a quote, ``\\N``)."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return _naive(value).isoformat(sep=" ")
    if isinstance(value, list | tuple):
        return "[" + ", ".join("NULL" if v is None else _literal(v) for v in value) + "]"
    return str(value).translate(_ESCAPES)


def parameter_type(value: Any) -> str:
    """The ClickHouse type a user's ``$name`` is bound as, from its Python value (DuckDB infers it too)."""
    if isinstance(value, bool):
        return "Nullable(Bool)"
    if isinstance(value, int):
        return "Nullable(Int64)"
    if isinstance(value, float):
        return "Nullable(Float64)"
    if isinstance(value, datetime):
        return f"Nullable({_dialect.TIMESTAMP})"
    if isinstance(value, list | tuple):
        inner = {parameter_type(v) for v in value if v is not None} or {"Nullable(String)"}
        if len(inner) != 1:
            raise ScoringError(f"a list parameter holds values of one type, not {', '.join(sorted(inner))}")
        return f"Array({inner.pop()})"
    if value is None or isinstance(value, str):
        return "Nullable(String)"
    raise ScoringError(f"no ClickHouse type for a parameter of type {type(value).__name__}")


def _literal(value: Any) -> str:
    """A ClickHouse string, number or boolean literal (DDL and SET take no parameters; an array parameter's
    elements)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, datetime):
        value = _naive(value).isoformat(sep=" ")
    text = str(value).translate(_ESCAPES).replace("'", "\\'")
    return f"'{text}'"


def _identifier(name: str) -> str:
    if not _IDENTIFIER.match(name):
        raise ScoringError(f"not a table name: {name!r}")
    return name


def _template(name: str) -> Template:
    text = resources.files("scoring").joinpath("clickhouse", f"{name}.sql").read_text(encoding="utf-8")
    return Template(text)


def otel_traces_ddl() -> str:
    """The exporter's ``CREATE TABLE otel_traces`` (vendored from the Collector's source)."""
    return _template("otel_traces").template


class ClickHouseEngine:
    """The scoring views on ClickHouse; the same interface the scorecard uses on DuckDB's ``Engine``."""

    name = "clickhouse"
    dsn: str | None = None  # the server's, when it reads one (``open``)

    def __init__(
        self,
        client: Client,
        *,
        lake_dir: Path | None = None,
        source_table: str | None = None,
        price_book: Path | None = None,
        feature_attribute: str | None = None,
    ) -> None:
        self.client = client
        self.price_book_path = price_book
        self.feature_attribute = feature_attribute or None
        self.graph = _sql.graph()
        self.health_unreadable: list[str] = []
        self.health_absent: str | None = None  # why no health record can be read (data_completeness unknown)
        try:
            if source_table is not None:
                self._create_table_source(source_table)
                self._load([SEGMENT])
                self.health_absent = NO_HEALTH
            elif lake_dir is not None:  # the snapshot DuckDB reads, loaded under the readers' lease
                read_segments(Path(lake_dir), lambda snapshot: self._load_snapshot(Path(lake_dir), snapshot))
            else:
                raise ScoringError("the clickhouse engine needs a source: a lake folder or an otel_traces table")
            self._run(_sql.read("session"))
            self._run(_sql.read("session_health"))
            if lake_dir is not None and source_table is None:
                self._load_health(Path(lake_dir))
            self.client.command(
                f"CREATE TABLE {_dialect.SCOPE_VARS} "
                f"(since {_dialect.TIMESTAMP}, until {_dialect.TIMESTAMP}, env Nullable(String), retention_days Int32, "
                f"whole_since {_dialect.TIMESTAMP}, whole_until {_dialect.TIMESTAMP}) "
                "ENGINE = Memory"
            )
        except BaseException:
            self.client.close()
            raise

    @classmethod
    def open(
        cls,
        dsn: str | None,
        lake_dir: Path,
        price_book: Path | None = None,
        table: str = SOURCE_TABLE,
        feature_attribute: str | None = None,
    ) -> ClickHouseEngine:
        """A server's ``table`` (``--dsn``), else chDB over the lake's Parquet segments."""
        if dsn is not None:
            dsn = checked_dsn(dsn)
            server = ServerClient(dsn, SETTINGS, table, OPTIONAL_SETTINGS)
            source = f"{server.source_database}.{table}"
            opened = cls(server, source_table=source, price_book=price_book, feature_attribute=feature_attribute)
            opened.dsn = dsn
            return opened
        return cls(ChdbClient(), lake_dir=lake_dir, price_book=price_book, feature_attribute=feature_attribute)

    def close(self) -> None:
        self.client.close()

    def _create_table_source(self, table: str) -> None:
        sql = _template("source_table").substitute(table=_identifier(table), segment=_literal(SEGMENT))
        self.client.command(sql)

    def _load_snapshot(self, lake_dir: Path, snapshot: list[Segment]) -> None:
        """Load exactly the snapshot's segments (``read_segments`` retries on a fresh one if the lake changed).

        One ``file()`` over the folder, its rows kept to the snapshot's paths: ClickHouse opens no other
        file (it filters the listing by ``_path`` before reading), and with the columns given it infers
        nothing from a file outside the snapshot. One ``file()`` per segment costs three times as much.
        """
        self._drop_tables()  # a retry starts from nothing
        if not snapshot:  # no segment: the exporter's table, empty, gives the source its columns
            self.client.command(otel_traces_ddl())
            self._create_table_source(SOURCE_TABLE)
            self._load([])
            return
        root = traces_dir(lake_dir).resolve()  # ClickHouse's _path is the listed path under the glob's root
        if _GLOB.search(str(root)):
            raise ScoringError(f"{root}: the clickhouse engine cannot read a lake whose path has * ? {{ or }}")
        paths = [str(root / segment.path.relative_to(traces_dir(lake_dir))) for segment in snapshot]
        sql = _template("source_parquet").substitute(
            glob=_literal(str(root / "**" / "*.parquet")),
            structure=_literal(self._structure(paths[0])),
            paths=", ".join(_literal(path) for path in paths),
        )
        self.client.command(sql)
        self._load(paths)

    def _structure(self, path: str) -> str:
        """The columns of a segment as ClickHouse reads them (the hive partition column left out)."""
        described = self.client.arrow(f"DESCRIBE file({_literal(path)}, Parquet)").to_pylist()
        return ", ".join(f"`{row['name']}` {row['type']}" for row in described if row["name"] != "dt")

    def _drop_tables(self) -> None:
        found = self.client.arrow("SELECT name FROM system.tables WHERE database = currentDatabase()")
        for name in found.column("name").to_pylist():
            self.client.command(f"DROP TABLE IF EXISTS `{name}`")

    def _load_health(self, lake_dir: Path) -> None:
        """The lake's export health records into ``export_health``, as on DuckDB (read on every open)."""
        rows, self.health_unreadable = health_rows(lake_dir)
        names = [f"h{i}" for i in range(len(_HEALTH_TYPES))]
        values = ", ".join(f"{{{name}:{kind}}}" for name, kind in zip(names, _HEALTH_TYPES, strict=True))
        for row in rows:
            self.client.command(f"INSERT INTO export_health VALUES ({values})", dict(zip(names, row, strict=True)))

    def _run(
        self, text: str, params: Mapping[str, Any] | None = None, constants: tuple[tuple[str, str | None], ...] = ()
    ) -> None:
        for statement in _dialect.translate(text, constants=constants, materialize=self.client.materialized_cte):
            for join_table, table, keys in statement.joins:
                self.client.command(f"DROP TABLE IF EXISTS {join_table}")
                self.client.command(
                    f"CREATE TABLE {join_table} ENGINE = Join(ANY, LEFT, {', '.join(keys)}) "
                    f"SETTINGS join_use_nulls = 1 AS SELECT * FROM {table}"
                )
            self.client.command(statement.sql, params)

    def _load(self, segments: list[str]) -> None:
        """Every load of scoring/sql/tables over the whole source, then eval traffic and prices."""
        self._run(_sql.read("tables"))
        for name in _sql.MAPPING_TABLES:  # the dialects' mapping table, as on DuckDB
            self._run(_sql.read(name))
        params = {"segments": segments, "record_segments": segments, "feature_attribute": self.feature_attribute}
        # the mapping table's one row, as constants in the loads that join it (load_spans over 1M spans: 1.5 s, not
        # 5.4 s); a server that sends text as Arrow binary gives bytes
        row = self.client.arrow("SELECT * FROM attribute_keys").to_pylist()[0]
        keys = tuple((name, value.decode() if isinstance(value, bytes) else value) for name, value in row.items())
        for load in self.graph.loads:
            self._run(_sql.read(load), params, keys)
        self._run(_sql.read("orphans_add"), params)
        self._run(_sql.read("eval_traffic"))
        missing = self.client.arrow(_dialect.translate(_sql.read("missing_prices"))[0].sql).to_pylist()
        priced = [(r["provider"], r["model"], r["service_tier"], r["speed"]) for r in missing]
        rows = price_rows(self.price_book_path, priced)
        values = ", ".join(
            f"{{{name}:Nullable({kind})}}" for name, kind in zip(PRICE_COLUMNS, _PRICE_TYPES, strict=True)
        )
        for row in rows:
            self.client.command(f"INSERT INTO prices VALUES ({values})", dict(zip(PRICE_COLUMNS, row, strict=True)))
        self._run(_sql.read("call_costs"), params)
        self._run(_sql.read("price_calls"), params)
        for rollup in _sql.ROLLUPS:
            self._run(_sql.read(rollup), params)

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
        """Bind the window, environment, retention period and systems (``scope_vars``, ``scope_systems``), create
        the views."""
        self.client.command(f"TRUNCATE TABLE {_dialect.SCOPE_VARS}")
        first, end = whole_days(since, until)
        self.client.command(
            f"INSERT INTO {_dialect.SCOPE_VARS} VALUES "
            f"({{since:{_dialect.TIMESTAMP}}}, {{until:{_dialect.TIMESTAMP}}}, {{env:String}}, {{retention:Int32}}, "
            f"{{first:{_dialect.TIMESTAMP}}}, {{end:{_dialect.TIMESTAMP}}})",
            {
                "since": _naive(since),
                "until": _naive(until),
                "env": env,
                "retention": retention_days,
                "first": first,
                "end": end,
            },
        )
        self.client.command("TRUNCATE TABLE scope_systems")
        for row in systems:
            self.client.command(
                "INSERT INTO scope_systems VALUES ({n:Nullable(String)}, {k:Nullable(String)}, {o:Nullable(String)}, "
                "{c:Nullable(String)}, {i:Nullable(Bool)}, {a:Nullable(Bool)})",
                dict(zip("nkocia", row, strict=True)),
            )
        for name in self.graph.views if views is None else self.graph.closure(views):
            view = _dialect.query(name, materialize=self.client.materialized_cte)
            # ClickHouse inlines a view into the query reading it and there runs each of its CTEs at every read,
            # MATERIALIZED or not: a lazy view with a shared CTE (met_trajectory, met_drift) is made a table
            shared = view != _dialect.query(name)
            kind = "TABLE" if materialize and (name not in _sql.LAZY_VIEWS or shared) else "VIEW"
            self.client.command(f"DROP TABLE IF EXISTS {name}")
            self.client.command(f"DROP VIEW IF EXISTS {name}")
            engine = " ENGINE = Memory" if kind == "TABLE" else ""
            self.client.command(f"CREATE {kind} {name}{engine} AS\n{view}")

    def observed_systems(self) -> list[tuple[str, str | None, bool, bool, bool]]:
        (statement,) = _dialect.translate(_sql.read("observed_systems"))
        rows = self.client.arrow(statement.sql).to_pylist()
        return [
            (str(r["name"]), r["declared_kind"], bool(r["has_llm"]), bool(r["has_predictions"]), bool(r["has_agents"]))
            for r in rows
        ]

    def rows(self, view: str) -> list[dict[str, Any]]:
        return _pylist(self.client.arrow(f"SELECT * FROM {_checked(view)}"))

    def frame(self, view: str) -> pl.DataFrame:
        return pl.DataFrame(self.rows(view))

    def select(self, sql: str, parameters: Mapping[str, object] | None = None) -> pl.DataFrame:
        """One read-only SELECT over the views (DuckDB dialect, translated as the views are).

        ``parameters`` are bound to the query's ``$name`` placeholders as ClickHouse query parameters
        (``{name:Type}``, the type from the value), never written into its text.
        """
        from scoring import _sqlparse

        if _sqlparse.reads_or_none(sql) is None:
            raise ScoringError("the query does not parse")
        values = dict(parameters or {})
        types = tuple(sorted((name, parameter_type(value)) for name, value in values.items()))
        # a user's CTEs stay as written: ClickHouse refuses MATERIALIZED on a recursive or a correlated one
        statements = _dialect.translate(sql, types)
        if len(statements) != 1 or not statements[0].sql.lstrip().upper().startswith(("SELECT", "WITH")):
            raise ScoringError("give one SELECT statement (the scoring views are read-only)")
        try:
            table = self.client.arrow(statements[0].sql, values or None)
        except ScoringError as exc:
            told = str(exc)  # ClickHouse names the table it does not know; any other name read exists
            unknown = (
                _sql.unknown_relation(sql, lambda name: f"'{name}'" not in told) if "UNKNOWN_TABLE" in told else None
            )
            if unknown is None:
                raise
            raise ScoringError(unknown) from exc
        return pl.DataFrame(_pylist(table))


def _pylist(table: pa.Table) -> list[dict[str, Any]]:
    """Rows as DuckDB's Python client gives them. A map column's empty map is NULL: ClickHouse has no NULL
    map, and DuckDB's histogram() over no rows is NULL."""
    maps = {field.name for field in table.schema if pa.types.is_map(field.type)}
    return [
        {key: None if key in maps and not value else _python(value) for key, value in row.items()}
        for row in table.to_pylist()
    ]


def _python(value: Any) -> Any:
    """A ClickHouse value as DuckDB's Python client gives it: maps as dicts, timestamps naive UTC."""
    if isinstance(value, float) and math.isnan(value):  # quantiles of no rows (DuckDB: NULL)
        return None
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    if isinstance(value, list) and value and all(isinstance(v, tuple) and len(v) == 2 for v in value):
        return {k: _python(v) for k, v in value}
    if isinstance(value, list):
        return [_python(v) for v in value]
    return value
