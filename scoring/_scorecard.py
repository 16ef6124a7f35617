"""Compose a scorecard: open the engine, set the window and the systems in scope, read metrics and criteria."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from instrumentation import Settings, load_settings
from instrumentation.lake import has_segments, traces_dir
from scoring import _sql
from scoring._completeness import completeness, warning
from scoring._criteria import Context, load_criteria, score_axis
from scoring._engine import DATABASE_FILE, Engine
from scoring._evidence import Command, iso
from scoring._inputs import (
    ATTESTATIONS_FILE,
    SYSTEMS_FILE,
    Attestation,
    load_attestations,
    load_catalogue,
)
from scoring._metrics import read_metrics
from scoring._model import Scorecard, SystemInfo, Window
from scoring._names import AXES, ENGINES
from scoring._rebuild import rebuild_answer
from scoring._scope import Scope, scope_rows
from scoring.errors import InputFileError, ScoringError

if TYPE_CHECKING:  # imported where used: sqlglot, polars (DuckDB builds the frames) cost a third of a warm scorecard
    import polars as pl

    from scoring._clickhouse import ClickHouseEngine


def _require_telemetry(settings: Settings) -> None:
    """Refuse a home without a lake, before anything is created in it."""
    if settings.home.exists() and not settings.home.is_dir():
        raise ScoringError(f"{settings.home} is a file, not a folder: point --home at the folder that holds lake/")
    if not has_segments(settings.lake_dir):  # the engine checks what it loads; here only that there is something
        raise ScoringError(
            f"no telemetry in {settings.home}: {traces_dir(settings.lake_dir)} holds no segments. Record some first "
            "(instrumentation.configure() in the app, or harness deploy|incident|change record), "
            "or point --home at the folder that holds lake/"
        )


@contextmanager
def session(
    home: str | Path | None = None,
    scope: Scope | None = None,
    *,
    systems_file: str | Path | None = None,
    cache: bool = True,
    eager: bool = True,
    views: Iterable[str] | None = None,
    engine: str = "duckdb",
    dsn: str | None = None,
) -> Iterator[tuple[Engine | ClickHouseEngine, Scope, list[tuple[Any, ...]]]]:
    """An engine over the lake in ``home`` with ``scope`` set (default ``Scope.of()``); closed on exit.

    ``engine`` ``clickhouse`` runs the same SQL translated for ClickHouse: on the server ``dsn`` names
    (its otel_traces table), else on chDB over the lake's Parquet.

    ``eager`` computes the shared views once into temp tables (the whole scorecard reads them
    many times); without it every view stays a view (one metric reads only what it needs).
    ``views`` creates only those views and what they read (default: every view).
    """
    settings = load_settings({"home": home})
    scope = scope or Scope.of()
    catalogue = load_catalogue(systems_file or settings.home / SYSTEMS_FILE)
    if engine not in ENGINES:
        raise ScoringError(f"unknown engine {engine!r}; engines: {', '.join(ENGINES)}")
    if dsn is not None and engine != "clickhouse":
        raise ScoringError("a DSN names a ClickHouse server: give it with engine clickhouse (--engine clickhouse)")
    if dsn is None:
        _require_telemetry(settings)
    opened: Engine | ClickHouseEngine
    if engine == "clickhouse":
        from scoring._clickhouse import ClickHouseEngine

        opened = ClickHouseEngine.open(
            dsn, settings.lake_dir, settings.price_book, feature_attribute=settings.feature_attribute
        )
    else:
        database = settings.home / DATABASE_FILE if cache else None
        opened = Engine(settings.lake_dir, database, settings.price_book, settings.feature_attribute)
    try:
        rows = scope_rows(opened, catalogue, scope)
        opened.set_scope(
            scope.since, scope.until, scope.env, rows,
            materialize=eager, views=views, retention_days=settings.retention_days,
        )  # fmt: skip
        yield opened, scope, rows
    finally:
        opened.close()


def _check_attestations(attestations: Sequence[Attestation], source: Path) -> None:
    criteria = {c.id: c for c in load_criteria()}
    attestable = sorted(c.id for c in criteria.values() if c.attestation or c.attestable)
    for a in attestations:
        if a.criterion not in criteria or a.criterion not in attestable:
            what = "is measured from telemetry" if a.criterion in criteria else "is not a criterion"
            raise InputFileError(
                f"{source}: criterion {a.criterion} {what}; attestable criteria: {', '.join(attestable)}"
            )


def _warnings(scope: Scope, rows: Sequence[tuple[Any, ...]], engine: Engine | ClickHouseEngine) -> list[str]:
    found = list(scope.warnings)
    if not rows:
        found.append(f"no {scope.kind} system in scope: every criterion is unknown or n/a")
    elif not _one(engine, "int_activity").get("spans_in_window"):
        found.append(f"no telemetry of {', '.join(row[0] for row in rows)} in the window: its criteria are unknown")
    return found


def scorecard(
    home: str | Path | None = None,
    scope: Scope | None = None,
    *,
    systems_file: str | Path | None = None,
    attestations_file: str | Path | None = None,
    cache: bool = True,
    engine: str = "duckdb",
    dsn: str | None = None,
) -> Scorecard:
    """The maturity scorecard of the lake in ``home`` (default HARNESS_HOME) in ``scope``.

    The scope defaults to ``Scope.of()``: LLM systems, production, the 90 days before now. It
    scores LLM or classical systems (never both at once), optionally only named systems. With
    ``cache`` the typed staging table is kept in ``HARNESS_HOME/harness.duckdb`` and refreshed per
    new segment; without it the lake is loaded into memory for this call only. ``engine``/``dsn``: as
    for ``session`` (the ClickHouse engine keeps nothing between calls).
    """
    attestations = checked_attestations(home, attestations_file)
    opened = session(home, scope, systems_file=systems_file, cache=cache, engine=engine, dsn=dsn)
    with opened as (reader, scope, rows):
        return compose(reader, scope, rows, attestations, home=home, systems_file=systems_file)


def checked_attestations(home: str | Path | None, attestations_file: str | Path | None) -> list[Attestation]:
    """The attestations file's entries (default HARNESS_HOME/attestations.yaml), each naming an attestable criterion."""
    settings = load_settings({"home": home})
    attestations_path = Path(attestations_file or settings.home / ATTESTATIONS_FILE)
    attestations = load_attestations(attestations_path)
    _check_attestations(attestations, attestations_path)
    return attestations


def compose(
    engine: Engine | ClickHouseEngine,
    scope: Scope,
    rows: Sequence[tuple[Any, ...]],
    attestations: Sequence[Attestation],
    *,
    home: str | Path | None,
    systems_file: str | Path | None,
) -> Scorecard:
    """The scorecard from an engine whose every view is set to ``scope`` (``session`` with ``eager``)."""
    settings = load_settings({"home": home})
    command = Command.of(
        scope, home, systems_file, settings.home / SYSTEMS_FILE, engine=engine.name, dsn=engine.dsn
    )  # fmt: skip
    signals = {axis: _one(engine, f"crit_{axis}") for axis in AXES}
    data = completeness(
        _one(engine, "int_export_health"),
        engine.rows("int_export_health_causes"),
        engine.health_unreadable,
        engine.health_absent,
    )
    names = [row[0] for row in rows]
    has_agents = any(row[5] for row in rows)
    axes = {
        axis: score_axis(
            axis, Context(scope.kind, signals[axis], attestations, names, has_agents, scope.until, command.run)
        )
        for axis in AXES
    }
    answer = rebuild_answer(engine.rows("int_rebuild"))
    axes["reproducibility"] = axes["reproducibility"].model_copy(update={"answer": answer})
    return Scorecard(
        window=Window(since=iso(scope.since), until=iso(scope.until)),
        kind=scope.kind,  # type: ignore[arg-type]
        systems=[SystemInfo(name=row[0], kind=row[1], owner=row[2]) for row in rows],
        axes=axes,
        metrics=read_metrics(engine),
        evidence_command=command.prefix,
        warnings=_warnings(scope, rows, engine) + [w for w in [warning(data)] if w],
        data_completeness=data,
    )


def _one(engine: Engine | ClickHouseEngine, view: str) -> dict[str, Any]:
    rows = engine.rows(view)
    return rows[0] if rows else {}


def metric(
    name: str,
    home: str | Path | None = None,
    scope: Scope | None = None,
    *,
    systems_file: str | Path | None = None,
    cache: bool = True,
) -> pl.DataFrame:
    """Any view of the scoring layer as a polars DataFrame: ``latency_by`` reads ``met_latency_by``."""
    view = name if name in _sql.VIEWS else f"met_{name}"
    if view not in _sql.VIEWS:
        metrics = ", ".join(v.removeprefix("met_") for v in _sql.METRIC_VIEWS)
        raise ScoringError(f"unknown metric {name!r}; metrics: {metrics} (or any view: {', '.join(_sql.VIEWS)})")
    with session(home, scope, systems_file=systems_file, cache=cache, eager=False, views=[view]) as (engine, _, _):
        return engine.frame(view)


def query(
    sql: str,
    home: str | Path | None = None,
    scope: Scope | None = None,
    *,
    systems_file: str | Path | None = None,
    cache: bool = True,
    parameters: Mapping[str, object] | None = None,
    engine: str = "duckdb",
    dsn: str | None = None,
) -> pl.DataFrame:
    """One read-only ``SELECT`` over the scoring views in a scope, as a polars DataFrame.

    This is what a criterion's evidence runs (``harness sql "SELECT * FROM int_window_deploys"``);
    ``parameters`` are bound to the query's ``$name`` placeholders. ``engine``/``dsn``: as for ``session``.
    """
    views = _views_read(sql)
    opened = session(
        home, scope, systems_file=systems_file, cache=cache, eager=False, views=views, engine=engine, dsn=dsn
    )
    with opened as (reader, _, _):
        return reader.select(sql, parameters)


def queries(
    sqls: Mapping[str, str],
    home: str | Path | None = None,
    scope: Scope | None = None,
    *,
    systems_file: str | Path | None = None,
    cache: bool = True,
) -> dict[str, pl.DataFrame]:
    """Several read-only ``SELECT`` statements (name -> SQL) in one scope and one session: the lake is synced
    and the views they read are created once, so a report of many tables costs one scorecard's set-up."""
    wanted: set[str] = set()
    for sql in sqls.values():
        reads = _views_read(sql)
        if reads is None:
            wanted = set(_sql.VIEWS)
            break
        wanted.update(reads)
    with session(home, scope, systems_file=systems_file, cache=cache, views=sorted(wanted)) as (engine, _, _):
        return {name: engine.select(sql) for name, sql in sqls.items()}


def _views_read(sql: str) -> list[str] | None:
    """The views a query names (None, so every view is created, when it does not parse)."""
    from scoring import _sqlparse

    reads = _sqlparse.reads_or_none(sql)
    return None if reads is None else sorted(reads & set(_sql.VIEWS))
