"""``harness canary``: decisions from two versions' telemetry in a real lake, recorded as telemetry; a rollback
counts in change failure rate and time to restore."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

import scoring
from harness.canary import CanaryPolicy, canary
from harness.cli import main
from harness.facts import Deployment, record
from instrumentation import semconv
from tests.harness._canary_lake import SINCE, SYSTEM, UNTIL, Traffic, write_traffic

CANARY_DEPLOYED = datetime(2026, 6, 1, 7, tzinfo=UTC)
BASE = ["--system", SYSTEM, "--baseline", "1.0", "--since", SINCE, "--until", UNTIL]


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1.0 serving; 1.1 a canary failing 8% of requests instead of 1%; 1.2 a canary equal to 1.0; 1.3 a trickle."""
    home = tmp_path_factory.mktemp("canary")
    write_traffic(home, Traffic("1.0", 1500, error_rate=0.01, seed=1, eval_score=0.8))
    write_traffic(home, Traffic("1.1", 1500, error_rate=0.08, seed=2, eval_score=0.8))
    write_traffic(home, Traffic("1.2", 1500, error_rate=0.01, seed=3, eval_score=0.8))
    write_traffic(home, Traffic("1.3", 40, error_rate=0.01, seed=4))
    record(
        [
            Deployment(system=SYSTEM, version="1.0", id="d-1.0", at=datetime(2026, 5, 20, tzinfo=UTC)),
            Deployment(system=SYSTEM, version="1.1", id="d-1.1", strategy="canary", at=CANARY_DEPLOYED),
        ],
        home=home,
    )
    scoring.query("SELECT 1 AS one", home, scoring.Scope.of(SINCE, UNTIL))  # each copy starts with a warm cache
    return home


@pytest.fixture
def home(lake: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "home"
    shutil.copytree(lake, copy)
    return copy


def _canary(home: Path, version: str, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    code = main(["canary", *BASE, "--canary", version, "--home", str(home), *extra])
    out, err = capsys.readouterr()
    return code, out, err


def _decisions(home: Path) -> list[dict[str, str]]:
    """The canary spans in the lake, read straight from the Parquet segments."""
    glob = str(home / "lake" / "otel_traces" / "*" / "*.parquet")
    rows = duckdb.execute(
        "SELECT SpanAttributes FROM read_parquet(?, union_by_name = true) WHERE SpanName = ?",
        [glob, semconv.SPAN_CANARY.format(system=SYSTEM)],
    ).fetchall()
    return [dict(row[0]) for row in rows]


def test_a_degraded_canary_is_rolled_back_and_the_rollback_counts_in_cfr_and_time_to_restore(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _canary(home, "1.1", capsys)
    assert code == 1, out + err
    assert "decision: rollback" in out and "error_rate: worse beyond the margin" in out
    assert "rolling back d-1.1" in err
    (decision,) = _decisions(home)
    assert decision[semconv.HARNESS_CANARY_DECISION] == semconv.CANARY_ROLLBACK
    assert decision[semconv.HARNESS_CANARY_VERSION] == "1.1"
    assert decision[semconv.HARNESS_CANARY_BASELINE_VERSION] == "1.0"
    metrics = {m["name"]: m for m in json.loads(decision[semconv.HARNESS_CANARY_METRICS])}
    after = scoring.Scope.of(SINCE, "2026-06-03T00:00:00Z")  # decided at the end of its window
    staged = scoring.query("SELECT * FROM stg_canary_decisions", home, after)
    assert staged.select("canary_version", "decision").rows() == [("1.1", "rollback")]
    assert metrics["error_rate"]["verdict"] == "worse" and metrics["latency_p95_ms"]["verdict"] == "within"
    card = scoring.scorecard(home, scoring.Scope.of("2026-05-18T00:00:00Z", UNTIL), cache=False)
    # D: d-1.0 and d-1.1; d-1.1 rolled back by the canary's rollback -> 1 of 2 failed
    assert card.metrics.change_failure_rate == pytest.approx(0.5)
    # restored by the rollback at the window's end (2026-06-02 00:00) after deploying at 06-01 07:00: 17 h
    assert card.metrics.time_to_restore_hours.median == pytest.approx(17.0)
    assert card.metrics.time_to_restore_hours.rollbacks == 1
    # deciding again does not roll the same deployment back twice
    code, _, err = _canary(home, "1.1", capsys)
    assert code == 1 and "already rolled back" in err
    rollbacks = scoring.query(
        "SELECT * FROM stg_deployments WHERE deploy_trigger = 'rollback'", home, scoring.Scope.of(SINCE, UNTIL)
    )
    assert rollbacks["rolls_back"].to_list() == ["d-1.1"] and rollbacks["version"].to_list() == ["1.0"]


def test_an_equal_canary_is_promoted_and_no_deployment_is_recorded(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _canary(home, "1.2", capsys, "--json")
    assert code == 0
    result = json.loads(out)
    assert result["decision"] == "promote" and result["exit_code"] == 0
    names = {m["name"] for m in result["metrics"]}
    assert names == {
        "error_rate", "latency_p95_ms", "cost_per_request_usd", "agent_error_rate", "steps_per_run",
        "tool_calls_per_run", "eval:helpfulness",
    }  # fmt: skip
    assert all(m["verdict"] == "within" for m in result["metrics"])
    assert [d[semconv.HARNESS_CANARY_DECISION] for d in _decisions(home)] == ["promote"]
    deploys = scoring.query("SELECT * FROM stg_deployments", home, scoring.Scope.of(SINCE, UNTIL))
    assert deploys.height == 2


def test_too_few_requests_hold_and_say_the_minimum(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _canary(home, "1.3", capsys, "--dry-run")
    assert code == 2
    assert "decision: hold" in out and "only 40 canary samples (the minimum is 100 per version)" in out
    assert _decisions(home) == []  # --dry-run records nothing


def test_input_errors_exit_3_and_name_what_is_missing(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _canary(home, "9.9", capsys)
    assert code == 3 and "no telemetry of version '9.9'" in err and "1.0 (" in err and "1.3 (" in err
    code, _, err = _canary(home, "1.0", capsys)
    assert code == 3 and "both version '1.0'" in err
    code = main(["canary", "--system", "nope", "--baseline", "1", "--canary", "2", "--home", str(home)])
    assert code == 3 and "no system named nope" in capsys.readouterr().err
    code, _, err = _canary(home, "1.1", capsys, "--margin", "latency=0.3")
    assert code == 3 and "not a canary metric" in err


def test_the_python_api_returns_the_decision_and_a_policy_can_tolerate_more(home: Path) -> None:
    decision = canary(SYSTEM, "1.0", "1.1", since=SINCE, until=UNTIL, home=home)
    assert decision.decision == semconv.CANARY_ROLLBACK and decision.exit_code == 1
    error_rate = next(m for m in decision.metrics if m.name == "error_rate")
    assert error_rate.low is not None and error_rate.low > 0.01
    lenient = CanaryPolicy().with_margins({"error_rate": 0.2, "agent_error_rate": 0.2})
    assert canary(SYSTEM, "1.0", "1.1", since=SINCE, until=UNTIL, home=home, policy=lenient).decision == "promote"


def test_a_classical_system_is_judged_on_its_predictions_by_model_version(tmp_path: Path) -> None:
    from harness.facts import lake_tracer_provider, predict

    provider = lake_tracer_provider(tmp_path / "lake", service_name="churn")
    tracer = provider.get_tracer("tests.canary")
    for version, failing in (("7", 0), ("8", 40)):
        for index in range(200):
            try:
                with predict("churn-xgb", system="churn", version=version, rows=1, tracer=tracer):
                    if index < failing:
                        raise ValueError("bad features")
            except ValueError:
                pass
    provider.shutdown()
    decision = canary("churn", "7", "8", home=tmp_path)  # the 7 days before now
    assert decision.kind == "classical" and decision.decision == semconv.CANARY_ROLLBACK
    assert {m.name for m in decision.metrics} == {"error_rate", "latency_p95_ms"}
