"""Read the two versions' telemetry through the scoring views: calls, priced requests, agent runs, eval scores."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from harness.canary._policy import CanaryError
from instrumentation import semconv


@cache
def _sql(name: str) -> str:
    return resources.files("harness.canary").joinpath(f"{name}.sql").read_text(encoding="utf-8")


@dataclass(slots=True)
class Side:
    """One version's evidence."""

    version: str
    latencies: list[float] = field(default_factory=list)  # ms, every model call
    failed_calls: int = 0
    request_costs: list[float] = field(default_factory=list)  # USD, priced requests
    steps: list[float] = field(default_factory=list)  # per agent run with a roll-up
    tool_calls: list[float] = field(default_factory=list)
    runs: int = 0
    failed_runs: int = 0
    scores: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))  # eval name -> values

    @property
    def calls(self) -> int:
        return len(self.latencies)

    def empty(self) -> bool:
        return not self.latencies and not self.runs and not self.scores


@dataclass(frozen=True, slots=True)
class Window:
    system: str
    since: datetime
    until: datetime
    home: Path | None
    kind: str


def _scope(window: Window) -> Any:
    import scoring

    return scoring.Scope.of(window.since, window.until, kind=window.kind, system=window.system)


def window_of(
    system: str, since: datetime, until: datetime, home: str | Path | None, kind: str | None = None
) -> Window:
    """The window; its kind (LLM or classical) is found on the first query when not given."""
    return Window(system, since, until, Path(home) if home is not None else None, kind or semconv.SYSTEM_KIND_LLM)


def query(
    window: Window, name: str, parameters: dict[str, object] | None = None
) -> tuple[Window, list[dict[str, Any]]]:
    """The rows of ``name``.sql over the scoring views in the window, and the window with the system's kind.

    A system of the other kind than the window's is asked again as that kind; an unknown system, or a home
    without telemetry, is a ``CanaryError``.
    """
    import scoring
    from scoring.errors import WrongKindError

    try:
        try:
            frame = scoring.query(_sql(name), window.home, _scope(window), parameters=parameters)
        except WrongKindError as exc:
            window = replace(window, kind=exc.kind)
            frame = scoring.query(_sql(name), window.home, _scope(window), parameters=parameters)
    except scoring.ScoringError as exc:
        raise CanaryError(str(exc)) from exc
    return window, frame.to_dicts()


def load_sides(window: Window, baseline: str, canary: str) -> tuple[Window, Side, Side]:
    """Both versions' evidence (and the window with its kind); a version without any telemetry in the window
    is a ``CanaryError``."""
    sides = {baseline: Side(baseline), canary: Side(canary)}
    window, rows = query(window, "evidence", {"baseline": baseline, "canary": canary})
    for row in rows:
        _add(sides[row["version"]], row)
    missing = [side.version for side in sides.values() if side.empty()]
    if missing:
        seen = ", ".join(f"{r['version']} ({r['spans']} spans)" for r in query(window, "versions")[1])
        seen = seen or "none in this window (widen --since/--until)"
        raise CanaryError(
            f"no telemetry of version {' or '.join(repr(m) for m in missing)} of system {window.system!r} from "
            f"{window.since.isoformat()} to {window.until.isoformat()} (model calls or agent runs with that "
            f"service.version); versions seen: {seen}"
        )
    return window, sides[baseline], sides[canary]


def _add(side: Side, row: dict[str, Any]) -> None:
    source, value = row["source"], row["value"]
    if source == "call":
        side.latencies.append(float(value))
        side.failed_calls += bool(row["failed"])
    elif source == "request" and value is not None:
        side.request_costs.append(float(value))
    elif source == "run":
        side.runs += 1
        side.failed_runs += bool(row["failed"])
        if value is not None:
            side.steps.append(float(value))
        if row["extra"] is not None:
            side.tool_calls.append(float(row["extra"]))
    elif source == "eval":
        side.scores[str(row["name"])].append(float(value))
