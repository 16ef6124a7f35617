"""The eval half of the story: run the support-agent suite on both versions and gate the candidate.

The baseline's first run is approved as the suite's baseline. A second baseline run is gated too
(it passes), so the release that ships today can name a real gate run; the regressed candidate's
gate must block it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import evals
from harness.app import app_file
from harness.demo._home import DemoHome
from instrumentation import Telemetry


def suite_path() -> Path:
    """The reference app's eval suite (``harness/app/eval_suite.yaml``)."""
    return app_file("eval_suite.yaml")


@dataclass(frozen=True, slots=True)
class EvalStory:
    approved: evals.RunResult
    rerun: evals.RunResult
    candidate: evals.RunResult
    rerun_gate: evals.GateResult
    candidate_gate: evals.GateResult
    gate_outputs: evals.GateOutputs


@contextmanager
def _judge_reaches(base_url: str) -> Iterator[None]:
    """The judge scorer's client reads OPENAI_BASE_URL: point it at the local server for the runs only."""
    before = os.environ.get("OPENAI_BASE_URL")
    os.environ["OPENAI_BASE_URL"] = base_url
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("OPENAI_BASE_URL", None)
        else:
            os.environ["OPENAI_BASE_URL"] = before


def run_and_gate(home: DemoHome, telemetry: Telemetry, base_url: str) -> EvalStory:
    """Run baseline (approve it), baseline again and the candidate; gate both later runs."""
    suite = str(suite_path())
    params = {"base_url": base_url}
    with _judge_reaches(base_url):
        approved = _run(suite, telemetry, "baseline", params)
        evals.RunStore(telemetry.settings.home).approve(approved.run_id, telemetry, by="maya (demo)")
        rerun = _run(suite, telemetry, "baseline", params)
        candidate = _run(suite, telemetry, "candidate", params)
    rerun_gate = evals.gate_run(telemetry, rerun.run_id)
    outputs = evals.GateOutputs(
        markdown=home.reports / "gate.md", junit=home.reports / "gate-junit.xml", json=home.reports / "gate.json"
    )
    candidate_gate = evals.gate_run(telemetry, candidate.run_id, outputs=outputs)
    return EvalStory(approved, rerun, candidate, rerun_gate, candidate_gate, outputs)


def _run(suite: str, telemetry: Telemetry, version: str, params: dict[str, str]) -> evals.RunResult:
    result = evals.run(suite, telemetry, candidate_id=version, params=params, progress=None)
    print(
        f"  eval run {result.run_id}: {version:<9} pass rate {result.pass_rate:.2f} on {len(result.cases)} cases, "
        f"task cost ${result.cost:.5f}"
    )
    return result


def summary(result: evals.GateResult) -> list[str]:
    """The decision with each metric's delta and Holm-adjusted p-value, one line each."""
    lines = [f"  gate {result.candidate_run} vs baseline {result.baseline_run}: {result.decision.upper()}"]
    for m in result.metrics:
        lines.append(
            f"    {m.name:<6} baseline {m.baseline:>9.4g}  candidate {m.candidate:>9.4g}  delta {m.delta:>+10.4g}  "
            f"p (Holm) {m.p_adjusted:<9.3g} margin {m.margin:<8.4g} {m.verdict}"
        )
    lines += [f"    - {reason}" for reason in result.reasons]
    return lines
