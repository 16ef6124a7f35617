"""The demo's closing output: the scorecards of the LLM and the classical systems (written as JSON and
Markdown, printed as tables) and what the lake holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path

import scoring
from harness.demo._home import DemoHome

WINDOW = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class Written:
    kind: str
    card: scoring.Scorecard
    json: Path
    markdown: Path


def write_scorecards(home: DemoHome, now: datetime) -> list[Written]:
    """Score the last 30 days, LLM and classical systems apart (as the maturity model asks).

    The LLM scorecard goes to ``reports/scorecard.json`` and ``.md`` (DESIGN.md's paths), the classical
    one beside it as ``scorecard-classical.json`` and ``.md``.
    """
    written: list[Written] = []
    for kind in scoring.KINDS:
        scope = scoring.Scope.of(since=now - WINDOW, kind=kind)
        card = scoring.scorecard(home.root, scope, systems_file=home.catalogue)
        stem = "scorecard" if kind == "llm" else f"scorecard-{kind}"
        out = Written(kind, card, home.reports / f"{stem}.json", home.reports / f"{stem}.md")
        out.json.write_text(scoring.render(card, "json") + "\n", encoding="utf-8")
        out.markdown.write_text(scoring.render(card, "markdown"), encoding="utf-8")
        written.append(out)
    return written


def lake_summary(lake_dir: Path) -> list[tuple[str, str, int]]:
    """Spans in the lake per kind (``chat``, ``invoke_agent``, ``deploy``...) and system."""
    import duckdb

    from instrumentation.lake import Segment, read_segments

    sql = resources.files("harness.demo").joinpath("lake_summary.sql").read_text(encoding="utf-8")

    def read(snapshot: list[Segment]) -> list[tuple[str, str, int]]:
        if not snapshot:
            return []
        with duckdb.connect() as connection:
            rows = connection.execute(sql, {"segments": [str(s.path) for s in snapshot]}).fetchall()
        return [(str(kind), str(system), int(count)) for kind, system, count in rows]

    return read_segments(lake_dir, read)
