"""``harness report``: one self-contained HTML file of the scorecard, readable offline (nothing is fetched).

``write(options, out)`` gathers, through the scoring API, the scorecard of each kind of system (LLM and
classical side by side), its metrics week by week, latency by model, trajectories by version and the gate and
canary decisions (``_gather``); shapes them into figures (``_figures``), each a Vega-Lite chart made with
altair and rendered to inline SVG by vl-convert (``_charts``); and fills one Jinja template (``_page``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from harness.report._gather import Options, ReportData, gather

__all__ = ["Options", "ReportData", "Written", "build", "gather", "write"]


@dataclass(frozen=True, slots=True)
class Written:
    path: Path
    bytes: int
    seconds: float  # gathering plus rendering
    warnings: tuple[str, ...] = ()  # the scorecards' warnings of the kinds with systems in scope


def build(data: ReportData, *, command: str = "harness report", now: datetime | None = None) -> str:
    """The report of the gathered ``data`` as one HTML document."""
    from harness.report import _page

    moment = (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    return _page.render(data, generated_at=moment, command=command)


def write(options: Options, out: str | Path, *, command: str = "harness report") -> Written:
    """Gather ``options``' scope, build the report and write it to ``out`` (UTF-8), timing the whole."""
    started = time.perf_counter()
    data = gather(options)
    html = build(data, command=command)
    path = Path(out)
    path.write_text(html, encoding="utf-8")
    warnings = tuple(f"{kind.kind}: {w}" for kind in data.scored() for w in kind.card.warnings)
    return Written(path, path.stat().st_size, time.perf_counter() - started, warnings)
