"""The demo's closing output: the scorecard (written as JSON and Markdown, printed as a table) and the
trajectory comparison of the two agent versions over the lake."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import scoring
from harness.app import trajectory_by_version
from harness.demo._home import DemoHome

WINDOW = timedelta(days=30)
_TRAJECTORY_COLUMNS = ("runs", "mean_steps", "mean_llm_calls", "mean_tool_calls", "retries", "completed_share")


@dataclass(frozen=True, slots=True)
class Written:
    json: Path
    markdown: Path


def write_scorecard(home: DemoHome, now: datetime) -> tuple[scoring.Scorecard, Written]:
    """Score the last 30 days of the demo's lake and write ``reports/scorecard.json`` and ``.md``."""
    card = scoring.scorecard(home.root, since=now - WINDOW, systems_file=home.catalogue)
    written = Written(home.reports / "scorecard.json", home.reports / "scorecard.md")
    written.json.write_text(scoring.render(card, "json") + "\n", encoding="utf-8")
    written.markdown.write_text(scoring.render(card, "markdown"), encoding="utf-8")
    return card, written


def trajectory_table(lake_dir: Path) -> list[str]:
    """Per agent version: runs, mean steps/LLM calls/tool calls, retries, completed share, cost, terminations."""
    rows = trajectory_by_version(lake_dir)
    header = f"{'version':<10}" + "".join(f"{c:>16}" for c in _TRAJECTORY_COLUMNS) + f"{'cost_usd':>11}  terminations"
    lines = [header]
    for version, row in rows.items():
        cells = "".join(f"{_cell(row[c]):>16}" for c in _TRAJECTORY_COLUMNS)
        lines.append(f"{version:<10}{cells}{_cell(row['cost_usd']):>11}  {_terminations(row['terminations'])}")
    return lines


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return "—" if value is None else str(value)


def _terminations(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{reason} {count}" for reason, count in sorted(value.items()))
    return str(value)


def lake_summary(lake_dir: Path) -> list[tuple[str, str, int]]:
    """Spans in the lake per kind (``chat``, ``invoke_agent``, ``deploy``...) and service."""
    import duckdb

    from instrumentation.lake import traces_glob

    sql = resources.files("harness.demo").joinpath("lake_summary.sql").read_text(encoding="utf-8")
    with duckdb.connect() as connection:
        rows = connection.execute(sql, {"glob": traces_glob(lake_dir)}).fetchall()
    return [(str(kind), str(service), int(count)) for kind, service, count in rows]
