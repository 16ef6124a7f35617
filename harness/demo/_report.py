"""The demo's closing output: the scorecard (written as JSON and Markdown, printed as a table) and what the
lake holds."""

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
    json: Path
    markdown: Path


def write_scorecard(home: DemoHome, now: datetime) -> tuple[scoring.Scorecard, Written]:
    """Score the last 30 days of the demo's lake and write ``reports/scorecard.json`` and ``.md``."""
    card = scoring.scorecard(home.root, scoring.Scope.of(since=now - WINDOW), systems_file=home.catalogue)
    written = Written(home.reports / "scorecard.json", home.reports / "scorecard.md")
    written.json.write_text(scoring.render(card, "json") + "\n", encoding="utf-8")
    written.markdown.write_text(scoring.render(card, "markdown"), encoding="utf-8")
    return card, written


def lake_summary(lake_dir: Path) -> list[tuple[str, str, int]]:
    """Spans in the lake per kind (``chat``, ``invoke_agent``, ``deploy``...) and service."""
    import duckdb

    from instrumentation.lake import traces_glob

    sql = resources.files("harness.demo").joinpath("lake_summary.sql").read_text(encoding="utf-8")
    with duckdb.connect() as connection:
        rows = connection.execute(sql, {"glob": traces_glob(lake_dir)}).fetchall()
    return [(str(kind), str(service), int(count)) for kind, service, count in rows]
