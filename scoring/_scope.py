"""What a scorecard scores: the window, the environment, the kind of system and the systems in scope."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from scoring._engine import Engine
from scoring._inputs import SystemEntry, is_zoneless, parse_time
from scoring._names import KINDS, Kind
from scoring.errors import ScoringError, WrongKindError

if TYPE_CHECKING:
    from scoring._clickhouse import ClickHouseEngine

DEFAULT_WINDOW = timedelta(days=90)


@dataclass(frozen=True, slots=True)
class Scope:
    """A window ``[since, until)``, an environment, a kind of system and optionally named systems.

    Build one with ``Scope.of(since=..., until=..., kind=..., system=..., env=...)``: times are ISO 8601
    text or datetimes (a zone-less time of day is UTC, with a warning), and the window defaults to the
    90 days before now.
    """

    since: datetime
    until: datetime
    kind: Kind = "llm"
    systems: tuple[str, ...] = ()
    env: str = "production"
    warnings: tuple[str, ...] = ()

    @classmethod
    def of(
        cls,
        since: datetime | str | None = None,
        until: datetime | str | None = None,
        *,
        kind: str = "llm",
        system: str | Sequence[str] | None = None,
        env: str = "production",
    ) -> Scope:
        if kind not in KINDS:
            raise ScoringError(f"kind {kind!r}: use one of {', '.join(KINDS)}")
        end = parse_time(until, "until") or datetime.now(UTC)
        start = parse_time(since, "since") or end - DEFAULT_WINDOW
        if start >= end:
            raise ScoringError(f"since ({start.isoformat()}) must be before until ({end.isoformat()})")
        names = (system,) if isinstance(system, str) else tuple(system or ())
        warnings = tuple(
            f"{flag} {value}: no zone given, taken as UTC"
            for flag, value in (("since", since), ("until", until))
            if is_zoneless(value)
        )
        return cls(start, end, kind, names, env, warnings)  # type: ignore[arg-type]


def _resolve_kind(entry: SystemEntry | None, declared: str | None, has_llm: bool, has_predictions: bool) -> str:
    if entry is not None:
        return entry.kind
    if declared in KINDS:
        return declared
    return "classical" if has_predictions and not has_llm else "llm"


def scope_rows(
    engine: Engine | ClickHouseEngine, catalogue: Sequence[SystemEntry], scope: Scope
) -> list[tuple[Any, ...]]:
    """Systems of the scope's kind (observed in the lake or listed in the catalogue) as scope_systems rows.

    A system named in the scope that is neither observed nor catalogued, or is of the other kind, is an error.
    """
    by_name = {entry.name: entry for entry in catalogue}
    observed = {row[0]: row[1:] for row in engine.observed_systems()}
    known = sorted(set(by_name) | set(observed))
    rows = []
    for name in known:
        entry = by_name.get(name)
        declared, has_llm, has_pred, has_agents = observed.get(name, (None, False, False, False))
        kind = _resolve_kind(entry, declared, bool(has_llm), bool(has_pred))
        if scope.systems and name in scope.systems and kind != scope.kind:
            raise WrongKindError(f"system {name!r} is a {kind} system: score it with --kind {kind}", kind)
        if kind != scope.kind or (scope.systems and name not in scope.systems):
            continue
        agent = entry.agent if entry is not None and entry.agent is not None else bool(has_agents)
        owner, on_call = (entry.owner, entry.on_call) if entry else (None, None)
        rows.append((name, kind, owner, on_call, entry is not None, agent))
    unknown = sorted(set(scope.systems) - set(known))
    if unknown:
        raise ScoringError(
            f"no system named {', '.join(unknown)} in the lake or the systems catalogue; "
            f"systems: {', '.join(known) or '(none)'}"
        )
    return rows
