"""``harness eval`` as a careless user meets it: errored runs, typos, truncated lake segments, help text,
listing and showing runs, and runs recorded under the system they evaluate (issue 9)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from harness.cli import build_parser, main
from instrumentation import semconv
from instrumentation._setup import reset_for_tests

TASK = """
def answer(case, ctx):
    if ctx.candidate_id == "down":
        raise RuntimeError(f"upstream down for {case.id}")
    if ctx.candidate_id == "unsure":
        return "I am not sure"
    return f"the answer is {case.expected}"
"""


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    """A suite folder: a task module beside the suite file, 40 cases, a home for the runs."""
    (tmp_path / "qa_task.py").write_text(TASK)
    rows = [{"id": f"c{i:02d}", "question": f"q{i}", "answer": f"a{i}", "failure_modes": ["refund_policy"]}
            for i in range(40)]  # fmt: skip
    (tmp_path / "qa.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    (tmp_path / "qa.yaml").write_text(
        "name: qa\ntask: qa_task:answer\ndataset:\n  path: qa.jsonl\n"
        "  fields: {input: question, expected: answer}\n"
        "scorers: [contains]\ngate: {metrics: {pass: {margin: 0.2}}}\n"
    )
    yield tmp_path
    reset_for_tests()


def cli(project: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``harness eval ...`` in a fresh process started in another folder, with no PYTHONPATH."""
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTEST_CURRENT_TEST", "OTEL_SERVICE_NAME")}
    clean["HARNESS_HOME"] = str(project / ".harness")
    return subprocess.run(
        [sys.executable, "-m", "harness.cli", "eval", *args],
        env={**clean, **(env or {})},
        cwd=project.parent,
        capture_output=True,
        text=True,
        timeout=120,
    )


def lake_spans(home: Path) -> list[tuple[str, str, dict[str, str]]]:
    rows = duckdb.execute(
        "SELECT SpanName, ServiceName, SpanAttributes FROM read_parquet($glob, hive_partitioning = true) "
        "ORDER BY Timestamp",
        {"glob": str(home / "lake" / "otel_traces" / "*" / "*.parquet")},
    ).fetchall()
    return [(name, service, dict(attrs)) for name, service, attrs in rows]


def test_a_run_where_every_case_raised_exits_nonzero_says_why_and_is_no_baseline(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    suite, home = str(project / "qa.yaml"), str(project / ".harness")
    down = cli(project, "run", suite, "--candidate-id", "down", "--run-id", "down", "--approve")
    assert down.returncode == 1, down.stdout + down.stderr
    assert "40 of 40 case result(s) errored" in down.stderr
    assert "RuntimeError: upstream down for c00" in down.stderr and "not approved" in down.stderr
    assert main(["eval", "approve", "down", "--home", home]) == 3
    assert "not approved: 40 of 40 case result(s) errored" in capsys.readouterr().err
    assert main(["eval", "run", suite, "--candidate-id", "good", "--run-id", "good", "--home", home]) == 0
    # a gate whose baseline errored blames the baseline (exit 3), not the clean candidate (exit 1)
    assert main(["eval", "approve", "down", "--allow-incomplete", "--home", home]) == 0
    assert main(["eval", "gate", "--candidate", "good", "--home", home]) == 3
    assert "baseline run down has 40 errored item(s)" in capsys.readouterr().err


def test_a_dataset_without_expected_answers_cannot_pass_an_unsure_candidate(project: Path) -> None:
    rows = [{"id": f"prod-{i}", "input": f"q{i}", "expected": None, "origin": "production"} for i in range(30)]
    (project / "sampled.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    suite = project / "sampled.yaml"
    suite.write_text("name: sampled\ntask: qa_task:answer\ndataset: sampled.jsonl\nscorers: [contains]\n")
    run = cli(project, "run", str(suite), "--candidate-id", "unsure", "--json")
    assert run.returncode == 1
    summary = json.loads(run.stdout)
    assert summary["passed"] == 0 and len(summary["errored"]) == 30 and summary["sampled_cases"] == 30
    assert summary["errored"][0]["error"].startswith("Unscorable: contains: nothing to compare with")


def test_runs_belong_to_the_system_they_evaluate(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home, suite = project / ".harness", str(project / "qa.yaml")
    env = {"OTEL_SERVICE_NAME": "support-desk"}
    assert cli(project, "run", suite, "--candidate-id", "good", "--run-id", "b", "--approve", env=env).returncode == 0
    assert cli(project, "run", suite, "--candidate-id", "good", "--run-id", "c", env=env).returncode == 0
    assert cli(project, "gate", "--candidate", "c").returncode == 0  # the gate records under the run's system
    spans = lake_spans(home)
    kinds = {attrs[semconv.HARNESS_RECORD_TYPE] for _, _, attrs in spans}
    assert kinds == {
        semconv.RECORD_EVAL_RUN, semconv.RECORD_EVAL_CASE, semconv.RECORD_EVAL_APPROVAL, semconv.RECORD_GATE,
    }  # fmt: skip
    assert {(service, attrs[semconv.HARNESS_SYSTEM]) for _, service, attrs in spans} == {("support-desk",) * 2}
    run = [str(home), "--candidate-id", "good", "--json"]
    assert main(["eval", "run", suite, "--run-id", "o", "--system", "other-app", "--home", *run]) == 0
    assert json.loads(capsys.readouterr().out)["system"] == "other-app"
    declaring = (project / "qa.yaml").read_text().replace("name: qa\n", "name: qa\nsystem: billing\n")
    (project / "declared.yaml").write_text(declaring)
    os.environ["OTEL_SERVICE_NAME"] = "support-desk"
    try:
        assert main(["eval", "run", str(project / "declared.yaml"), "--run-id", "d", "--home", *run]) == 0
    finally:
        del os.environ["OTEL_SERVICE_NAME"]
    assert json.loads(capsys.readouterr().out)["system"] == "billing"  # the suite's key beats OTEL_SERVICE_NAME


def test_the_run_span_counts_sampled_cases_and_lists_failure_modes(project: Path) -> None:
    home = project / ".harness"
    assert main(["eval", "run", str(project / "qa.yaml"), "--run-id", "r", "--home", str(home)]) == 0
    (head,) = [a for name, _, a in lake_spans(home) if a[semconv.HARNESS_RECORD_TYPE] == "eval_run"]
    assert head[semconv.HARNESS_EVAL_SAMPLED_CASES] == "0"
    assert json.loads(head[semconv.HARNESS_EVAL_FAILURE_MODES]) == ["refund_policy"]


def test_a_truncated_lake_segment_is_set_aside_with_a_message_not_a_traceback(
    project: Path, caplog: pytest.LogCaptureFixture
) -> None:
    suite, home = str(project / "qa.yaml"), str(project / ".harness")
    assert main(["eval", "run", suite, "--run-id", "b", "--approve", "--home", home]) == 0
    day = next((project / ".harness" / "lake" / "otel_traces").glob("dt=*"))
    segment = next(day.glob("*.parquet"))
    for args in (["run", suite, "--run-id", "c"], ["gate", "--candidate", "c"],
                 ["sample", "--out", str(project / "s.jsonl")], ["list"]):  # fmt: skip
        caplog.clear()
        truncated = day / "part-truncated.parquet"
        truncated.write_bytes(segment.read_bytes()[:200])
        assert main(["eval", *args, "--home", home]) == 0, args  # an exception would fail the test here
        assert "set aside lake segment" in caplog.text and "part-truncated.parquet" in caplog.text, args
        assert not truncated.exists()  # moved into the lake's quarantine folder, with its reason


def test_list_show_and_json_output(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = str(project / ".harness")
    suite = str(project / "qa.yaml")
    assert main(["eval", "run", suite, "--candidate-id", "good", "--run-id", "r1", "--json", "--home", home]) == 0
    summary = json.loads(capsys.readouterr().out)  # stdout is the JSON alone: progress went to stderr
    assert summary["run_id"] == "r1" and summary["passed"] == 40 and summary["failure_modes"] == ["refund_policy"]
    assert main(["eval", "run", suite, "--candidate-id", "unsure", "--run-id", "r2", "--home", home]) == 0
    capsys.readouterr()
    assert main(["eval", "list", "--home", home]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert listed[1].startswith("r2 ") and listed[2].startswith("r1 ") and "0.000" in listed[1]
    assert main(["eval", "show", "r2", "--home", home]) == 0
    shown = capsys.readouterr().out
    assert "c00 #0 FAIL" in shown and "missing ['a0']" in shown and "output: I am not sure" in shown
    assert main(["eval", "run", suite, "--run-id", "r1", "--home", home]) == 3  # a run id is never reused
    assert "already recorded" in capsys.readouterr().err


def test_junit_names_the_failing_scorer_with_the_output_and_expected(project: Path) -> None:
    home, suite = str(project / ".harness"), str(project / "qa.yaml")
    assert main(["eval", "run", suite, "--candidate-id", "good", "--run-id", "b", "--approve", "--home", home]) == 0
    assert main(["eval", "run", suite, "--candidate-id", "unsure", "--run-id", "c", "--home", home]) == 0
    junit = project / "junit.xml"
    assert main(["eval", "gate", "--candidate", "c", "--junit", str(junit), "--home", home]) == 1
    text = junit.read_text()
    assert (
        "scorer contains failed: missing [&apos;a0&apos;]" in text or "scorer contains failed: missing ['a0']" in text
    )
    assert "output: I am not sure" in text and "expected: a0" in text


def test_calibrate_names_the_scorers_that_exist(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = str(project / ".harness")
    assert main(["eval", "run", str(project / "qa.yaml"), "--run-id", "r", "--home", home]) == 0
    labels = project / "labels.jsonl"
    labels.write_text(json.dumps({"case_id": "c00", "label": "pass"}) + "\n")
    assert main(["eval", "calibrate", "r", "--scorer", "nosuch", "--labels", str(labels), "--home", home]) == 3
    assert "run r has no scorer 'nosuch'; its scorers: contains" in capsys.readouterr().err


def test_every_eval_argument_has_help_text() -> None:
    eval_parser = build_parser()._subparsers._group_actions[0].choices["eval"]  # type: ignore[union-attr]
    for name, sub in eval_parser._subparsers._group_actions[0].choices.items():
        for action in sub._actions:
            assert action.help, f"harness eval {name}: {action.dest} has no help text"
