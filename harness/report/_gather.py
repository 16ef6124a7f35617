"""What the report shows, read through the scoring API: per kind of system, the scorecard of the window,
its metrics week by week, latency by week and model, and the gate and canary decisions.

Only a ``scoring.reading`` per kind reads the lake (its scorecard, its queries and its weekly metrics over
one engine): every figure in the report is one the scorecard (or ``harness sql`` in the same scope) prints.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import scoring
from scoring import KINDS

Row = dict[str, Any]
# The metric views the weekly charts read (the others are not computed per week).
WEEKLY_VIEWS = (
    "met_deployment_frequency",
    "met_lead_time",
    "met_change_failure_rate",
    "met_time_to_restore",
    "met_cost_per_feature",
    "met_audit_response",
    "met_latency",
)


@dataclass(frozen=True, slots=True)
class Options:
    """The scope flags of ``harness score``, for every kind scored (``kind`` None: LLM and classical)."""

    home: str | Path | None = None
    since: str | None = None
    until: str | None = None
    kind: str | None = None
    systems: tuple[str, ...] = ()
    env: str = "production"
    systems_file: str | Path | None = None
    attestations_file: str | Path | None = None
    cache: bool = True


@dataclass(frozen=True, slots=True)
class KindData:
    """Everything the report shows of one kind of system."""

    kind: str
    card: scoring.Scorecard
    weeks: list[tuple[scoring.Window, scoring.Metrics]]
    latency: list[Row]
    gates: list[Row]
    canaries: list[Row]

    @property
    def has_systems(self) -> bool:
        return bool(self.card.systems)


@dataclass(frozen=True, slots=True)
class ReportData:
    window: scoring.Window
    home: str
    kinds: list[KindData] = field(default_factory=list)

    def scored(self) -> list[KindData]:
        """The kinds with a system in scope (the others are named as absent, not drawn)."""
        return [k for k in self.kinds if k.has_systems]


@cache
def _sql(name: str) -> str:
    return resources.files("harness.report").joinpath("sql", f"{name}.sql").read_text(encoding="utf-8")


def _scope(options: Options, kind: str, names: Sequence[str]) -> scoring.Scope:
    return scoring.Scope.of(options.since, options.until, kind=kind, system=list(names) or None, env=options.env)


def _scopes(options: Options) -> list[scoring.Scope]:
    """One scope per kind scored; named systems go to the scope of their kind (``--kind`` given: all to it)."""
    kinds = [options.kind] if options.kind else list(KINDS)
    if not options.systems or options.kind:
        return [_scope(options, kind, options.systems) for kind in kinds]
    known = {s.name: s.kind for s in scoring.systems(options.home, systems_file=options.systems_file)}
    if any(name not in known for name in options.systems):
        return [_scope(options, kinds[0], options.systems)]  # scoring names the missing one and lists the known
    by_kind = {kind: [name for name in options.systems if known[name] == kind] for kind in kinds}
    return [_scope(options, kind, names) for kind, names in by_kind.items() if names]


def _rows(reader: scoring.Reader, sql: str) -> list[Row]:
    frame = reader.query(_sql(sql))
    return [{key: _plain(value) for key, value in row.items()} for row in frame.iter_rows(named=True)]


def _plain(value: Any) -> Any:
    """Dates and times as ISO text (what the charts and the page print)."""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _kind(scope: scoring.Scope, options: Options) -> KindData:
    """One kind's scorecard, decisions, latency and weekly metrics, over one engine."""
    with scoring.reading(
        options.home,
        scope,
        systems_file=options.systems_file,
        attestations_file=options.attestations_file,
        cache=options.cache,
    ) as reader:
        card = reader.scorecard()
        if not card.systems:  # nothing to chart: the page says so
            return KindData(kind=scope.kind, card=card, weeks=[], latency=[], gates=[], canaries=[])
        return KindData(
            kind=scope.kind,
            card=card,
            latency=_rows(reader, "latency_by_week"),
            gates=_rows(reader, "gate_decisions"),
            canaries=_rows(reader, "canary_decisions"),
            weeks=reader.weekly(WEEKLY_VIEWS),  # last: it sets the views to one week at a time
        )


def gather(options: Options) -> ReportData:
    """Read the lake in ``options.home`` once per kind scored."""
    kinds = [_kind(scope, options) for scope in _scopes(options)]
    first = kinds[0].card
    home = str(options.home) if options.home is not None else ""
    return ReportData(window=first.window, home=home, kinds=kinds)


def unique(rows: Sequence[Row], *keys: str) -> list[Row]:
    """Rows of several kinds' scopes once each (organisation-wide decisions appear in every scope)."""
    seen: set[tuple[Any, ...]] = set()
    found = []
    for row in rows:
        key = tuple(row.get(k) for k in keys)
        if key not in seen:
            seen.add(key)
            found.append(row)
    return found
