"""``harness score --engine clickhouse --dsn``: the server path (clickhouse-connect, a scratch database,
settings and parameters sent by the client, the exporter's otel_traces table) scores as DuckDB does.

No ClickHouse server that can run the exporter's DDL can be installed here (Debian's is 18.16, from
2018; PyPI ships none), so the DSN is ``chdb://DIR``: clickhouse-connect's own transport to a chDB
database on disk, the same client calls as over HTTP. The table is created with the vendored DDL
(scoring/clickhouse/otel_traces.sql) and filled with the fixture lake's rows, each step in its own
process as a server would be (chDB runs one engine per process).
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("chdb", reason="the clickhouse extra (chdb) is part of the dev install")
pytest.importorskip("clickhouse_connect", reason="the clickhouse extra (clickhouse-connect) is part of the dev install")

import scoring
from scoring._clickhouse import NO_HEALTH
from scoring._model import DataCompleteness
from tests.scoring import _lake
from tests.scoring._lake import SCOPE, WINDOW

ROOT = Path(__file__).resolve().parents[2]


def _python(*argv: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", *argv], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    return done


def test_harness_score_with_a_dsn_equals_duckdb_over_the_same_rows(tmp_path: Path) -> None:
    home, database = tmp_path / ".harness", tmp_path / "clickhouse"
    _lake.write_llm_calls(home)
    _lake.write_facts(home)
    _python("tests.scoring._exported", str(home), str(database))
    dsn = f"chdb://{database}"
    window = ["--home", str(home), "--since", WINDOW["since"], "--until", WINDOW["until"]]
    printed = _python("harness.cli", "score", "--engine", "clickhouse", "--dsn", dsn, "--format", "json", *window)
    card = scoring.Scorecard.model_validate_json(printed.stdout)
    duck = scoring.scorecard(home, SCOPE, cache=False)
    assert card.evidence_command == f"{duck.evidence_command} --engine clickhouse --dsn {dsn}"
    assert card.data_completeness == DataCompleteness(status="unknown", reason=NO_HEALTH)
    assert duck.data_completeness.status == "unknown"  # no health record in this lake either
    on_duckdb = json.loads(printed.stdout.replace(card.evidence_command, duck.evidence_command))
    on_duckdb["data_completeness"] = duck.data_completeness.model_dump()
    assert not _diff(on_duckdb, json.loads(duck.model_dump_json()))
    assert duck.metrics.calls.total > 0 and duck.metrics.deployment_frequency_per_week


def test_harness_sql_with_a_dsn_runs_on_the_server(tmp_path: Path) -> None:
    home, database = tmp_path / ".harness", tmp_path / "clickhouse"
    _lake.write_llm_calls(home)
    _python("tests.scoring._exported", str(home), str(database))
    window = ["--home", str(home), "--since", WINDOW["since"], "--until", WINDOW["until"]]
    query = "SELECT feature, count(*) AS calls FROM stg_llm_calls GROUP BY ALL ORDER BY ALL"
    dsn = ["--engine", "clickhouse", "--dsn", f"chdb://{database}"]
    click = _python("harness.cli", "sql", query, *window, *dsn, "--format", "json")
    duck = _python("harness.cli", "sql", query, *window, "--no-cache", "--format", "json")
    assert json.loads(click.stdout) == json.loads(duck.stdout) and len(json.loads(duck.stdout)) > 1


def _diff(a: object, b: object, path: str = "") -> list[str]:
    """Where two JSON values differ; floats equal to 1e-9 relative (test_clickhouse's rule: sums differ in order)."""
    if isinstance(a, float) and isinstance(b, float | int):
        return [] if math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12) else [f"{path}: {a!r} != {b!r}"]
    if isinstance(a, dict) and isinstance(b, dict):
        return [d for k in sorted(set(a) | set(b)) for d in _diff(a.get(k), b.get(k), f"{path}.{k}")]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b, strict=True)) for d in _diff(x, y, f"{path}[{i}]")]
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]
