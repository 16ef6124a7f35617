"""Many reads of one scope over one engine: the scorecard, the metrics week by week and any query (a report).

``reading(home, scope)`` opens the engine once; ``Reader.scorecard()`` and ``Reader.query()`` read the whole
window, ``Reader.weekly()`` the same metric views once per calendar week of it (ISO weeks, Monday 00:00 UTC;
the first and last week clipped to the window), so a week's figures are the scorecard's metrics for that week
and a chart agrees with ``harness score --since … --until …``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scoring import _sql
from scoring._engine import Engine
from scoring._evidence import iso
from scoring._inputs import Attestation
from scoring._metrics import Metrics, read_metrics
from scoring._model import Scorecard, SystemInfo, Window
from scoring._names import KINDS
from scoring._scope import Scope
from scoring._scorecard import checked_attestations, compose, session

if TYPE_CHECKING:
    import polars as pl

WEEK = timedelta(days=7)
# What read_metrics reads: every metric view and the per-feature/per-model breakdown beside them.
METRIC_INPUTS = (*_sql.METRIC_VIEWS, "int_call_breakdown")


def weeks(since: datetime, until: datetime) -> list[tuple[datetime, datetime]]:
    """The calendar weeks (Monday to Monday) that meet ``[since, until)``, clipped to it."""
    day = since.replace(hour=0, minute=0, second=0, microsecond=0)
    start = day - timedelta(days=day.weekday())
    found = []
    while start < until:
        found.append((max(start, since), min(start + WEEK, until)))
        start += WEEK
    return found


class _Computed:
    """The rows of the views computed for this read; a view left out reads as no rows (its metrics are null)."""

    def __init__(self, engine: Engine, views: Iterable[str]) -> None:
        self._engine = engine
        self._views = frozenset(views)

    def rows(self, view: str) -> list[dict[str, Any]]:
        return self._engine.rows(view) if view in self._views else []


class Reader:
    """One engine over the lake, scoped to one window, kind and set of systems."""

    def __init__(
        self,
        engine: Engine,
        scope: Scope,
        rows: Sequence[tuple[Any, ...]],
        attestations: Sequence[Attestation],
        *,
        home: str | Path | None,
        systems_file: str | Path | None,
    ) -> None:
        self.engine, self.scope, self.rows = engine, scope, rows
        self._attestations = attestations
        self._home, self._systems_file = home, systems_file
        self._whole = False  # every view set to the whole window (not to one week)

    @property
    def systems(self) -> list[SystemInfo]:
        return [SystemInfo(name=row[0], kind=row[1], owner=row[2]) for row in self.rows]

    def _set_whole(self) -> None:
        if not self._whole:
            self.engine.set_scope(self.scope.since, self.scope.until, self.scope.env, self.rows)
            self._whole = True

    def scorecard(self) -> Scorecard:
        self._set_whole()
        return compose(
            self.engine, self.scope, self.rows, self._attestations, home=self._home, systems_file=self._systems_file
        )

    def query(self, sql: str) -> pl.DataFrame:
        """One read-only SELECT over the views, in the whole window (as ``scoring.query``)."""
        self._set_whole()
        return self.engine.select(sql)

    def weekly(self, views: Iterable[str] | None = None) -> list[tuple[Window, Metrics]]:
        """The metrics of each calendar week, in order; ``views`` computes only those metric views (the
        metrics that read others are null), which is faster when only a few are charted."""
        wanted = tuple(views) if views is not None else METRIC_INPUTS
        unknown = sorted(set(wanted) - set(METRIC_INPUTS))
        if unknown:
            raise ValueError(f"not metric views: {', '.join(unknown)}")
        series = []
        self._whole = False
        for start, end in weeks(self.scope.since, self.scope.until):
            self.engine.set_scope(start, end, self.scope.env, self.rows, views=wanted)
            series.append((Window(since=iso(start), until=iso(end)), read_metrics(_Computed(self.engine, wanted))))
        return series


@contextmanager
def reading(
    home: str | Path | None = None,
    scope: Scope | None = None,
    *,
    systems_file: str | Path | None = None,
    attestations_file: str | Path | None = None,
    cache: bool = True,
) -> Iterator[Reader]:
    """A ``Reader`` of the lake in ``home`` in ``scope`` (default ``Scope.of()``), closed on exit."""
    attestations = checked_attestations(home, attestations_file)
    with session(home, scope, systems_file=systems_file, cache=cache, views=()) as (engine, scoped, rows):
        assert isinstance(engine, Engine)  # the default engine: a reader runs on DuckDB
        yield Reader(engine, scoped, rows, attestations, home=home, systems_file=systems_file)


def weekly(
    home: str | Path | None = None,
    scope: Scope | None = None,
    *,
    systems_file: str | Path | None = None,
    cache: bool = True,
) -> list[tuple[Window, Metrics]]:
    """The scorecard's metrics of each calendar week of the scope's window, in order (null where absent)."""
    with reading(home, scope, systems_file=systems_file, cache=cache) as reader:
        return reader.weekly()


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
