"""Compare the agent's versions over the lake with ``trajectory.sql`` (DuckDB, bound parameters), as rows or a table."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from harness.app._versions import AGENT_NAME
from instrumentation import semconv
from instrumentation.lake import traces_glob

_PARAMETERS = {
    "version_key": semconv.GEN_AI_AGENT_VERSION,
    "steps_key": semconv.HARNESS_AGENT_ROLLUP_STEPS,
    "llm_calls_key": semconv.HARNESS_AGENT_ROLLUP_LLM_CALLS,
    "tool_calls_key": semconv.HARNESS_AGENT_ROLLUP_TOOL_CALLS,
    "retries_key": semconv.HARNESS_AGENT_ROLLUP_RETRIES,
    "cost_key": semconv.HARNESS_AGENT_ROLLUP_COST_AMOUNT,
    "termination_key": semconv.HARNESS_AGENT_TERMINATION,
    "operation_key": semconv.GEN_AI_OPERATION_NAME,
    "agent_key": semconv.GEN_AI_AGENT_NAME,
    "invoke_agent": semconv.OP_INVOKE_AGENT,
    "completed": semconv.TERMINATION_COMPLETED,
}
_TABLE_COLUMNS = ("runs", "mean_steps", "mean_llm_calls", "mean_tool_calls", "retries", "completed_share")


def trajectory_sql() -> str:
    return resources.files("harness.app").joinpath("trajectory.sql").read_text(encoding="utf-8")


def trajectory_by_version(lake_dir: str | Path, *, agent: str = AGENT_NAME) -> dict[str, dict[str, Any]]:
    """Per version: runs, mean steps/LLM calls/tool calls, retries, completed share, termination mix, cost."""
    import duckdb

    parameters = {**_PARAMETERS, "glob": traces_glob(Path(lake_dir)), "agent": agent}
    with duckdb.connect() as connection:
        cursor = connection.execute(trajectory_sql(), parameters)
        columns = [column[0] for column in cursor.description or ()]
        return {row[0]: dict(zip(columns[1:], row[1:], strict=True)) for row in cursor.fetchall()}


def trajectory_table(lake_dir: str | Path) -> list[str]:
    """``trajectory_by_version`` as text lines: a header, then one row per version with its termination mix."""
    header = f"{'version':<10}" + "".join(f"{c:>16}" for c in _TABLE_COLUMNS) + f"{'cost_usd':>11}  terminations"
    lines = [header]
    for version, row in trajectory_by_version(lake_dir).items():
        cells = "".join(f"{_cell(row[c]):>16}" for c in _TABLE_COLUMNS)
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
