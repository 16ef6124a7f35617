"""``harness eval run --approve`` then ``harness eval gate`` in a subprocess, on a YAML suite; the gate uses
the policy the run recorded. Plus calibration required by the policy, redaction, and the public names."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import evals
from evals import CalibrationRule, GatePolicy, MetricRule
from tests.conftest import make_captured
from tests.evals._runs import base_passes, make_run

TASK = """
def double(case, ctx):
    wrong = ctx.candidate_id == "broken" and case.input % 4 == 0
    return str(case.input * 2 + (1 if wrong else 0))
"""
SUITE = """
name: double
task: double_task:double
dataset: cases.jsonl
scorers: [{type: exact}]
gate: {metrics: {pass: {margin: 0.1}}}
"""


def harness(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HARNESS_HOME": str(tmp_path / ".harness"), "PYTHONPATH": str(tmp_path)}
    return subprocess.run(
        [sys.executable, "-m", "harness.cli", "eval", *args], env=env, capture_output=True, text=True, timeout=60
    )


def test_run_approve_and_gate_from_the_command_line(tmp_path: Path) -> None:
    (tmp_path / "double_task.py").write_text(TASK)
    (tmp_path / "cases.jsonl").write_text(
        "".join(json.dumps({"id": f"c{i}", "input": i, "expected": str(2 * i)}) + "\n" for i in range(160))
    )
    suite = tmp_path / "double.yaml"
    suite.write_text(SUITE)
    base = harness(tmp_path, "run", str(suite), "--candidate-id", "good", "--approve", "--run-id", "base")
    assert base.returncode == 0 and "approved base" in base.stdout, base.stderr
    both = harness(tmp_path, "run", str(suite), "--candidate-id", "broken", "--run-id", "cand")
    assert both.returncode == 0, both.stderr
    gated = harness(tmp_path, "gate", "--candidate", "cand", "--json", str(tmp_path / "g.json"))
    assert gated.returncode == 1, gated.stdout + gated.stderr
    data = json.loads((tmp_path / "g.json").read_text())
    assert data["baseline_run"] == "base" and data["metrics"][0]["margin"] == 0.1  # the suite's recorded policy
    assert harness(tmp_path, "run", str(tmp_path / "nope.yaml")).returncode == 3


def test_the_gate_refuses_a_baseline_that_cannot_judge_the_candidate(tmp_path: Path) -> None:
    """From a newcomer's trial: `--baseline` naming the candidate itself, or a run never approved (here a regressed
    one), passed as "vs approved baseline" with exit 0 (a CI variable left empty or duplicated turned the gate into a
    pass); `--suite` naming another suite applied that suite's looser policy without a word. Each exits 3."""
    (tmp_path / "double_task.py").write_text(TASK)
    (tmp_path / "cases.jsonl").write_text(
        "".join(json.dumps({"id": f"c{i}", "input": i, "expected": str(2 * i)}) + "\n" for i in range(40))
    )
    suite = tmp_path / "double.yaml"
    suite.write_text(SUITE)
    other = tmp_path / "other.yaml"
    other.write_text(SUITE.replace("name: double", "name: other").replace("margin: 0.1", "margin: 0.9"))
    approved = harness(tmp_path, "run", str(suite), "--candidate-id", "good", "--approve", "--run-id", "base")
    assert approved.returncode == 0, approved.stderr
    for run_id in ("cand", "worse"):
        assert harness(tmp_path, "run", str(suite), "--candidate-id", "broken", "--run-id", run_id).returncode == 0
    refused = {
        ("--baseline", "cand"): "run cand cannot be its own baseline",
        ("--baseline", "worse"): "baseline worse is not approved",
        ("--suite", str(other)): "--suite other is not the suite run cand ran (double)",
    }
    for flags, said in refused.items():
        gated = harness(tmp_path, "gate", "--candidate", "cand", *flags)
        assert gated.returncode == 3 and said in gated.stderr, (flags, gated.stdout, gated.stderr)
    assert harness(tmp_path, "gate", "--candidate", "cand", "--baseline", "base").returncode == 1  # approved: gated


@pytest.mark.parametrize(
    ("flag", "said"),
    [
        (("--concurrency", "-1"), "concurrency must be at least 1, got -1"),  # before: a traceback, exit 1
        (("--concurrency", "0"), "concurrency must be at least 1, got 0"),  # before: the suite's, silently
        (("--repeats", "0"), "repeats must be at least 1, got 0"),
        (("--budget", "-1"), "budget must be a cost in USD of 0 or more, got -1.0"),  # before: 17 of 21 never ran
    ],
)
def test_a_run_limit_out_of_range_is_refused(tmp_path: Path, flag: tuple[str, str], said: str) -> None:
    (tmp_path / "double_task.py").write_text(TASK)
    (tmp_path / "cases.jsonl").write_text(json.dumps({"id": "c0", "input": 1, "expected": "2"}) + "\n")
    suite = tmp_path / "double.yaml"
    suite.write_text(SUITE)
    refused = harness(tmp_path, "run", str(suite), *flag)
    assert refused.returncode == 3 and said in refused.stderr and "Traceback" not in refused.stderr, refused.stderr


def test_the_gate_can_require_a_calibrated_judge(tmp_path: Path) -> None:
    cap = make_captured(tmp_path / ".harness")
    passes = base_passes(300)
    store = evals.RunStore(cap.home)
    store.save(make_run("b", passes))
    store.save(make_run("c", list(passes)))
    store.approve("b", cap.telemetry)
    disagreeing = tmp_path / "labels.jsonl"
    disagreeing.write_text(
        "".join(json.dumps({"case_id": f"case-{i:04d}", "label": i % 2 == 0}) + "\n" for i in range(300))
    )
    rule = CalibrationRule(scorer="correct", labels=str(disagreeing), min_kappa=0.6)
    policy = GatePolicy(metrics={"pass": MetricRule(margin=0.05)}, require_calibrated_judge=rule)
    result = evals.gate_run(cap.telemetry, "c", policy=policy)
    cap.telemetry.shutdown()
    assert result.decision == "inconclusive" and "not calibrated" in result.reasons[-1]


def test_redaction_removes_contact_details_and_secrets() -> None:
    text = "mail jane.doe@example.com or call +44 20 7946 0958, key sk-abcdefghijklmnop1234, card 4111 1111 1111 1111"
    redacted = evals.redact(text)
    assert "example.com" not in redacted and "7946" not in redacted and "abcdefgh" not in redacted
    assert "4111" not in redacted and "[EMAIL]" in redacted


def test_the_public_names_are_pinned() -> None:
    assert set(evals.__all__) == {
        # running suites
        "run", "run_suite", "suite", "Suite", "get_suite", "load_suite_yaml", "registered_suites", "TaskContext",
        # datasets and production samples
        "Case", "Dataset", "dataset_from_cases", "load_dataset", "sample_cases", "redact",
        # scorers and judges
        "Score", "ScoreContext", "Scorer", "scorer", "Custom", "register_scorer", "scorer_types",
        "Exact", "Contains", "Regex", "JsonSchema", "Numeric", "ToolUsed", "MaxSteps", "Termination", "LLMJudge",
        "Calibration", "calibrate", "load_labels", "record_calibration",
        # results and trajectories
        "CaseResult", "RunResult", "RunStore", "Trajectory", "trajectory_of", "SpanCapture", "lake_span_pairs",
        # the gate
        "gate", "gate_run", "GatePolicy", "MetricRule", "CalibrationRule", "SliceRule", "GateResult", "MetricResult",
        "GateOutputs", "EXIT_CODES", "markdown", "junit", "as_json",
        # errors (evals/errors.py)
        "EvalError", "DatasetError", "SuiteError", "RunNotFoundError", "IncomparableError", "BaselineError",
        "ApprovalError", "CalibrationError",
    }  # fmt: skip
    assert len(evals.__all__) == len(set(evals.__all__))
    assert all(hasattr(evals, name) for name in evals.__all__)


def test_every_eval_exception_lives_in_errors_and_derives_from_eval_error() -> None:
    import inspect

    import evals.errors

    exceptions = [
        obj for name in evals.__all__ if inspect.isclass(obj := getattr(evals, name)) and issubclass(obj, Exception)
    ]
    assert exceptions and all(e.__module__ == "evals.errors" and issubclass(e, evals.EvalError) for e in exceptions)
    drawn = evals.errors.__doc__ or ""
    assert all(e.__name__ in drawn for e in exceptions)  # the hierarchy in the docstring names every one
