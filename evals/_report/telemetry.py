"""Everything evals record as telemetry: the run and case spans' attributes and result events, and the
approval, gate, calibration and sample spans. Each carries ``harness.system``, the system evaluated."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

from opentelemetry.trace import Span

from evals._gate.decision import GateResult
from evals._report.outputs import as_json
from evals._run.results import CaseResult, RunResult
from evals._scorers.base import Score
from evals._scorers.calibration import Calibration
from instrumentation import Telemetry, semconv


def git_revision() -> str | None:
    """The commit under test: ``GITHUB_SHA`` in CI, else ``git rev-parse HEAD``, else None."""
    if os.environ.get("GITHUB_SHA"):
        return os.environ["GITHUB_SHA"]
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def run_attributes(run: RunResult) -> dict[str, Any]:
    attributes: dict[str, Any] = {
        semconv.HARNESS_RECORD_TYPE: semconv.RECORD_EVAL_RUN,
        semconv.HARNESS_EVAL_RUN_ID: run.run_id,
        semconv.HARNESS_EVAL_SUITE: run.suite,
        semconv.HARNESS_EVAL_DATASET_HASH: run.dataset_hash,
        semconv.HARNESS_EVAL_CANDIDATE_ID: run.candidate_id,
        semconv.HARNESS_EVAL_REPEATS: run.repeats,
        semconv.HARNESS_EVAL_CASE_COUNT: len(run.case_ids),
        semconv.HARNESS_EVAL_CASE_IDS: json.dumps(run.case_ids),
        semconv.HARNESS_EVAL_JUDGES: json.dumps(run.judges, sort_keys=True),
        semconv.HARNESS_EVAL_SCORER: json.dumps(run.scorers, sort_keys=True),
        semconv.HARNESS_EVAL_SAMPLED_CASES: run.sampled_cases,
        semconv.HARNESS_EVAL_FAILURE_MODES: tuple(run.failure_modes),
    }
    if run.system:
        attributes[semconv.HARNESS_SYSTEM] = run.system
    if run.red_team:
        attributes[semconv.HARNESS_EVAL_RED_TEAM] = True
    if run.case_slices:
        attributes[semconv.HARNESS_EVAL_CASE_SLICES] = json.dumps(run.case_slices, sort_keys=True)
    if run.revision:
        attributes[semconv.VCS_REF_HEAD_REVISION] = run.revision
    if run.baseline_id:
        attributes[semconv.HARNESS_EVAL_BASELINE_ID] = run.baseline_id
    if run.policy is not None:
        attributes[semconv.HARNESS_EVAL_GATE_POLICY] = json.dumps(run.policy, sort_keys=True)
    return attributes


def case_start_attributes(run: RunResult, case_id: str, repeat: int) -> dict[str, Any]:
    attributes: dict[str, Any] = {
        semconv.HARNESS_RECORD_TYPE: semconv.RECORD_EVAL_CASE,
        semconv.HARNESS_EVAL_RUN_ID: run.run_id,
        semconv.HARNESS_EVAL_SUITE: run.suite,
        semconv.HARNESS_EVAL_DATASET_HASH: run.dataset_hash,
        semconv.HARNESS_EVAL_CANDIDATE_ID: run.candidate_id,
        semconv.HARNESS_EVAL_CASE_ID: case_id,
        semconv.HARNESS_EVAL_REPEAT: repeat,
    }
    if run.system:
        attributes[semconv.HARNESS_SYSTEM] = run.system
    return attributes


def finish_case_span(span: Span, result: CaseResult, judges: dict[str, str]) -> None:
    """Set the case's outcome and one ``gen_ai.evaluation.result`` event per scorer."""
    trajectory = result.trajectory
    attributes: dict[str, Any] = {
        semconv.HARNESS_EVAL_PASSED: result.passed,
        semconv.HARNESS_EVAL_CACHED: result.cached,
        semconv.HARNESS_EVAL_CASE_LATENCY: result.latency,
        semconv.HARNESS_EVAL_CASE_TOOLS: json.dumps(trajectory.tools),
    }
    if result.cached_from:
        attributes[semconv.HARNESS_EVAL_CACHED_FROM] = result.cached_from
    if trajectory.cost is not None:
        attributes[semconv.HARNESS_EVAL_CASE_COST_AMOUNT] = trajectory.cost
    if trajectory.steps is not None:
        attributes[semconv.HARNESS_EVAL_CASE_STEPS] = trajectory.steps
    if trajectory.termination is not None:
        attributes[semconv.HARNESS_EVAL_CASE_TERMINATION] = trajectory.termination
    if result.error is not None:
        attributes[semconv.ERROR_TYPE] = result.error.partition(":")[0]
    span.set_attributes(attributes)
    for name, score in result.scores.items():
        span.add_event(semconv.EVENT_EVALUATION_RESULT, score_event(name, score, judges.get(name)))


def score_event(name: str, score: Score, judge: str | None) -> dict[str, Any]:
    event: dict[str, Any] = {
        semconv.GEN_AI_EVALUATION_NAME: name,
        semconv.HARNESS_EVAL_SCORER: name,
        semconv.GEN_AI_EVALUATION_SCORE_VALUE: score.value,
        semconv.GEN_AI_EVALUATION_SCORE_LABEL: score.label or ("pass" if score.passed else "fail"),
        semconv.HARNESS_EVAL_PASSED: score.passed,
    }
    if score.explanation:
        event[semconv.GEN_AI_EVALUATION_EXPLANATION] = score.explanation[:1000]
    if judge:
        model, _, version = judge.partition("@")
        event[semconv.HARNESS_EVAL_JUDGE_MODEL] = model
        event[semconv.HARNESS_EVAL_JUDGE_PROMPT_VERSION] = version
    return event


def record_approval(telemetry: Telemetry, run: RunResult, by: str) -> None:
    """The approval of a run as its suite's baseline, as an ``eval_approve {suite}`` span."""
    attributes: dict[str, str | bool] = {
        semconv.HARNESS_RECORD_TYPE: semconv.RECORD_EVAL_APPROVAL,
        semconv.HARNESS_EVAL_RUN_ID: run.run_id,
        semconv.HARNESS_EVAL_SUITE: run.suite,
        semconv.HARNESS_EVAL_DATASET_HASH: run.dataset_hash,
        semconv.HARNESS_EVAL_CANDIDATE_ID: run.candidate_id,
        semconv.HARNESS_EVAL_APPROVED: True,
        semconv.HARNESS_EVAL_APPROVED_BY: by,
    }
    if run.system:
        attributes[semconv.HARNESS_SYSTEM] = run.system
    telemetry.tracer.start_span(semconv.SPAN_EVAL_APPROVE.format(suite=run.suite), attributes=attributes).end()


def record_gate(telemetry: Telemetry, result: GateResult, revision: str | None) -> None:
    """The decision as an ``eval_gate {suite}`` span (what scoring reads for gated deploys)."""
    attributes: dict[str, Any] = {
        semconv.HARNESS_RECORD_TYPE: semconv.RECORD_GATE,
        semconv.HARNESS_GATE_DECISION: result.decision,
        semconv.HARNESS_GATE_RUN_ID: result.candidate_run,
        semconv.HARNESS_GATE_SUITE: result.suite,
        semconv.HARNESS_EVAL_RUN_ID: result.candidate_run,
        semconv.HARNESS_EVAL_SUITE: result.suite,
        semconv.HARNESS_EVAL_BASELINE_ID: result.baseline_run,
        semconv.HARNESS_GATE_METRICS: json.dumps(as_json(result)["metrics"]),
        semconv.HARNESS_GATE_REASON: "; ".join(result.reasons)[:2000],
    }
    if revision:
        attributes[semconv.VCS_REF_HEAD_REVISION] = revision
    if result.system:
        attributes[semconv.HARNESS_SYSTEM] = result.system
    telemetry.tracer.start_span(semconv.SPAN_EVAL_GATE.format(suite=result.suite), attributes=attributes).end()


def record_calibration(telemetry: Telemetry, cal: Calibration, *, min_kappa: float, run: RunResult) -> None:
    """The calibration as an ``eval_calibrate {scorer}`` span (what scoring reads for calibrated judges)."""
    model, _, version = cal.judge.partition("@")
    attributes: dict[str, Any] = {
        semconv.HARNESS_RECORD_TYPE: semconv.RECORD_EVAL_CALIBRATION,
        semconv.HARNESS_EVAL_SCORER: cal.scorer,
        semconv.HARNESS_EVAL_JUDGE_MODEL: model,
        semconv.HARNESS_EVAL_JUDGE_PROMPT_VERSION: version,
        semconv.HARNESS_EVAL_CALIBRATION_ITEMS: cal.n,
        semconv.HARNESS_EVAL_CALIBRATION_PASSED: cal.passes(min_kappa),
        semconv.HARNESS_EVAL_RUN_ID: run.run_id,
    }
    if cal.kappa is not None and cal.low is not None:  # undefined kappa: absent, never a number
        attributes[semconv.HARNESS_EVAL_CALIBRATION_KAPPA] = cal.kappa
        attributes[semconv.HARNESS_EVAL_CALIBRATION_KAPPA_LOW] = cal.low
    if run.system:
        attributes[semconv.HARNESS_SYSTEM] = run.system
    telemetry.tracer.start_span(semconv.SPAN_EVAL_CALIBRATE.format(scorer=cal.scorer), attributes=attributes).end()


def record_sample(telemetry: Telemetry, cases: list[dict[str, Any]], dataset: Path, system: str | None) -> None:
    """The draw as an ``eval_sample {system}`` span: how many cases, into which dataset, of which system."""
    attributes: dict[str, Any] = {
        semconv.HARNESS_RECORD_TYPE: semconv.RECORD_EVAL_SAMPLE,
        semconv.HARNESS_EVAL_SAMPLE_COUNT: len(cases),
        semconv.HARNESS_EVAL_SAMPLE_DATASET: str(dataset),
    }
    if system:
        attributes[semconv.HARNESS_SYSTEM] = system
    name = semconv.SPAN_EVAL_SAMPLE.format(system=system or "(all systems)")
    telemetry.tracer.start_span(name, attributes=attributes).end()
