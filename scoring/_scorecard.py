"""Compose a scorecard: open the engine, set the window and the systems in scope, read metrics and criteria."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl

from instrumentation import load_settings
from scoring import _sql
from scoring._criteria import score_axis
from scoring._engine import DATABASE_FILE, Engine, ScoringError
from scoring._inputs import ATTESTATIONS_FILE, SYSTEMS_FILE, SystemEntry, load_attestations, load_catalogue, parse_time
from scoring._model import AXES, Latency, Metrics, Quantiles, Restore, Scorecard, SystemInfo, Window

DEFAULT_WINDOW = timedelta(days=90)
KINDS = ("llm", "classical")


@dataclass(frozen=True, slots=True)
class Scope:
    """What is scored: a window, an environment, a kind of system and optionally named systems."""

    since: datetime
    until: datetime
    kind: str = "llm"
    systems: tuple[str, ...] = ()
    env: str = "production"

    @classmethod
    def build(
        cls,
        since: datetime | str | None,
        until: datetime | str | None,
        kind: str,
        system: str | Sequence[str] | None,
        env: str,
    ) -> Scope:
        if kind not in KINDS:
            raise ScoringError(f"kind {kind!r}: use one of {', '.join(KINDS)}")
        end = parse_time(until, "until") or datetime.now(UTC)
        start = parse_time(since, "since") or end - DEFAULT_WINDOW
        if start >= end:
            raise ScoringError(f"since ({start.isoformat()}) must be before until ({end.isoformat()})")
        names = (system,) if isinstance(system, str) else tuple(system or ())
        return cls(start, end, kind, names, env)


def _resolve_kind(entry: SystemEntry | None, declared: str | None, has_llm: bool, has_predictions: bool) -> str:
    if entry is not None:
        return entry.kind
    if declared in KINDS:
        return declared
    return "classical" if has_predictions and not has_llm else "llm"


def scope_rows(engine: Engine, catalogue: Sequence[SystemEntry], scope: Scope) -> list[tuple[Any, ...]]:
    """Systems of the scope's kind (observed in the lake or listed in the catalogue) as scope_systems rows."""
    by_name = {entry.name: entry for entry in catalogue}
    observed = {name: (declared, llm, pred) for name, declared, llm, pred in engine.observed_systems()}
    rows = []
    for name in sorted(set(by_name) | set(observed)):
        entry = by_name.get(name)
        declared, has_llm, has_pred = observed.get(name, (None, False, False))
        kind = _resolve_kind(entry, declared, bool(has_llm), bool(has_pred))
        if kind != scope.kind or (scope.systems and name not in scope.systems):
            continue
        rows.append((name, kind, entry.owner if entry else None, entry.on_call if entry else None, entry is not None))
    return rows


@contextmanager
def session(
    home: str | Path | None = None,
    *,
    since: datetime | str | None = None,
    until: datetime | str | None = None,
    kind: str = "llm",
    system: str | Sequence[str] | None = None,
    env: str = "production",
    systems_file: str | Path | None = None,
    cache: bool = True,
    eager: bool = True,
) -> Iterator[tuple[Engine, Scope, list[tuple[Any, ...]]]]:
    """An engine over the lake in ``home`` with the scope set; closed on exit.

    ``eager`` computes the shared views once into temp tables (the whole scorecard reads them
    many times); without it every view stays a view (one metric reads only what it needs).
    """
    settings = load_settings({"home": home})
    scope = Scope.build(since, until, kind, system, env)
    catalogue = load_catalogue(systems_file or settings.home / SYSTEMS_FILE)
    database = settings.home / DATABASE_FILE if cache else None
    if database is not None:
        database.parent.mkdir(parents=True, exist_ok=True)
    engine = Engine(settings.lake_dir, database, settings.price_book)
    try:
        rows = scope_rows(engine, catalogue, scope)
        engine.set_scope(scope.since, scope.until, scope.env, rows, materialize=eager)
        yield engine, scope, rows
    finally:
        engine.close()


def _one(engine: Engine, view: str) -> dict[str, Any]:
    rows = engine.rows(view)
    return rows[0] if rows else {}


def _metrics(engine: Engine) -> Metrics:
    frequency = _one(engine, "met_deployment_frequency")
    lead = _one(engine, "met_lead_time")
    restore = _one(engine, "met_time_to_restore")
    audit = _one(engine, "met_audit_response")
    latency = _one(engine, "met_latency")
    features = engine.rows("met_cost_per_feature")
    return Metrics(
        deployment_frequency_per_week=frequency.get("deployment_frequency_per_week"),
        deployment_frequency_band=frequency.get("deploy_days_band"),
        lead_time_hours=Quantiles(median=lead.get("median"), p90=lead.get("p90")),
        change_failure_rate=_one(engine, "met_change_failure_rate").get("change_failure_rate"),
        time_to_restore_hours=Restore(median=restore.get("median"), mean=restore.get("mean")),
        cost_per_feature_usd={row["feature"]: row["cost_usd"] for row in features} if features else None,
        audit_evidence_response_hours=Quantiles(median=audit.get("median"), p90=audit.get("p90")),
        latency_ms=Latency(p50=latency.get("p50"), p95=latency.get("p95"), p99=latency.get("p99")),
        cost_per_request_usd=_one(engine, "met_cost_per_request").get("cost_per_request_usd"),
    )


def scorecard(
    home: str | Path | None = None,
    *,
    since: datetime | str | None = None,
    until: datetime | str | None = None,
    kind: str = "llm",
    system: str | Sequence[str] | None = None,
    env: str = "production",
    systems_file: str | Path | None = None,
    attestations_file: str | Path | None = None,
    cache: bool = True,
) -> Scorecard:
    """The maturity scorecard of the lake in ``home`` (default HARNESS_HOME) over ``[since, until)``.

    The window defaults to the 90 days before now. ``kind`` scores LLM or classical systems
    (never both at once); ``system`` narrows to named systems. With ``cache`` the typed
    staging table is kept in ``HARNESS_HOME/harness.duckdb`` and refreshed per new segment;
    without it the lake is loaded into memory for this call only.
    """
    settings = load_settings({"home": home})
    attestations = load_attestations(attestations_file or settings.home / ATTESTATIONS_FILE)
    with session(
        home,
        since=since,
        until=until,
        kind=kind,
        system=system,
        env=env,
        systems_file=systems_file,
        cache=cache,
    ) as (engine, scope, rows):
        names = [row[0] for row in rows]
        axes = {
            axis: score_axis(axis, scope.kind, _one(engine, f"crit_{axis}"), attestations, names, scope.until)
            for axis in AXES
        }
        return Scorecard(
            window=Window(since=_iso(scope.since), until=_iso(scope.until)),
            kind=scope.kind,  # type: ignore[arg-type]
            systems=[SystemInfo(name=row[0], kind=row[1], owner=row[2]) for row in rows],
            axes=axes,
            metrics=_metrics(engine),
        )


def metric(
    name: str,
    home: str | Path | None = None,
    *,
    since: datetime | str | None = None,
    until: datetime | str | None = None,
    kind: str = "llm",
    system: str | Sequence[str] | None = None,
    env: str = "production",
    systems_file: str | Path | None = None,
    cache: bool = True,
) -> pl.DataFrame:
    """Any view of the scoring layer as a polars DataFrame: ``latency_by`` reads ``met_latency_by``."""
    view = name if name in _sql.VIEWS else f"met_{name}"
    if view not in _sql.VIEWS:
        metrics = ", ".join(v.removeprefix("met_") for v in _sql.METRIC_VIEWS)
        raise ScoringError(f"unknown metric {name!r}; metrics: {metrics} (or any view: {', '.join(_sql.VIEWS)})")
    with session(
        home,
        since=since,
        until=until,
        kind=kind,
        system=system,
        env=env,
        systems_file=systems_file,
        cache=cache,
        eager=False,
    ) as (engine, _, _):
        return engine.frame(view)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
