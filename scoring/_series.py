"""The operational metrics week by week, and the systems the lake knows with their kinds (what a report charts).

``weekly()`` reads the same metric views as the scorecard, once per calendar week of the window (ISO weeks,
Monday 00:00 UTC; the first and last week clipped to the window), over one engine: a week's figures are
the scorecard's metrics for that week, so a chart and ``harness score --since … --until …`` agree.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from scoring import _sql
from scoring._evidence import iso
from scoring._metrics import Metrics, read_metrics
from scoring._model import SystemInfo, Window
from scoring._names import KINDS
from scoring._scope import Scope
from scoring._scorecard import session

WEEK = timedelta(days=7)
# What read_metrics reads: every metric view and the per-feature/per-model breakdown beside them.
_METRIC_INPUTS = (*_sql.METRIC_VIEWS, "int_call_breakdown")


def weeks(since: datetime, until: datetime) -> list[tuple[datetime, datetime]]:
    """The calendar weeks (Monday to Monday) that meet ``[since, until)``, clipped to it."""
    day = since.replace(hour=0, minute=0, second=0, microsecond=0)
    start = day - timedelta(days=day.weekday())
    found = []
    while start < until:
        found.append((max(start, since), min(start + WEEK, until)))
        start += WEEK
    return found


def weekly(
    home: str | Path | None = None,
    scope: Scope | None = None,
    *,
    systems_file: str | Path | None = None,
    cache: bool = True,
) -> list[tuple[Window, Metrics]]:
    """The scorecard's metrics of each calendar week of the scope's window, in order (null where absent)."""
    with session(home, scope, systems_file=systems_file, cache=cache, views=()) as (engine, scope, rows):
        series = []
        for start, end in weeks(scope.since, scope.until):
            engine.set_scope(start, end, scope.env, rows, views=_METRIC_INPUTS)
            series.append((Window(since=iso(start), until=iso(end)), read_metrics(engine)))
        return series


def systems(
    home: str | Path | None = None,
    *,
    systems_file: str | Path | None = None,
    cache: bool = True,
) -> list[SystemInfo]:
    """Every system observed in the lake or listed in the catalogue, with its kind as the scorecard decides it."""
    found = []
    for kind in KINDS:
        with session(home, Scope.of(kind=kind), systems_file=systems_file, cache=cache, views=()) as (_, _, rows):
            found += [SystemInfo(name=row[0], kind=row[1], owner=row[2]) for row in rows]
    return sorted(found, key=lambda system: system.name)
