"""The two operations a CI job needs, as functions: run a suite, and gate a run against its baseline."""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evals._cache import ResultCache
from evals._calibration import calibrate, load_labels
from evals._gate import GateResult, check_comparable, gate
from evals._loading import get_suite
from evals._policy import GatePolicy
from evals._record import git_revision
from evals._report import markdown, record_gate, write_outputs, write_step_summary
from evals._results import RunResult
from evals._runner import Progress, run_suite
from evals._store import RunStore
from evals._suite import Suite
from instrumentation import Telemetry


def _stderr_progress(done: int, total: int, cost: float) -> None:
    print(f"  {done}/{total} cases, ${cost:.4f} spent", file=sys.stderr)


def run(
    suite: Suite | str,
    telemetry: Telemetry,
    *,
    candidate_id: str,
    repeats: int | None = None,
    concurrency: int | None = None,
    budget: float | None = None,
    use_cache: bool = False,
    params: dict[str, Any] | None = None,
    progress: Progress | None = _stderr_progress,
    run_id: str | None = None,
) -> RunResult:
    """Run a suite (object, YAML path or registered name), record it, and keep a copy of the result."""
    suite = get_suite(suite) if isinstance(suite, str) else suite
    if params:
        suite.params = {**suite.params, **params}
    store = RunStore(telemetry.settings.home)
    cache = ResultCache(store.folder / "cache", suite.name) if use_cache else None
    baseline, _ = store.latest_approved(suite.name, suite.dataset.hash)
    result = asyncio.run(
        run_suite(
            suite,
            telemetry=telemetry,
            candidate_id=candidate_id,
            repeats=repeats,
            concurrency=concurrency,
            budget=budget,
            cache=cache,
            progress=progress,
            run_id=run_id,
            baseline_id=baseline.run_id if baseline else None,
        )
    )
    store.save(result)
    telemetry.flush()  # the lake's rows are on disk before anyone reads the run back
    return result


@dataclass(frozen=True, slots=True)
class GateOutputs:
    markdown: Path | None = None
    junit: Path | None = None
    json: Path | None = None


def gate_run(
    telemetry: Telemetry,
    candidate_run: str,
    *,
    policy: GatePolicy | None = None,
    baseline_run: str | None = None,
    outputs: GateOutputs = GateOutputs(),
) -> GateResult:
    """Compare a run with its baseline (explicit, or the latest approved of its suite and dataset).

    The policy defaults to the one the suite declared when the candidate ran.
    """
    store = RunStore(telemetry.settings.home)
    candidate = store.load(candidate_run)
    if policy is None:
        policy = GatePolicy.model_validate(candidate.policy) if candidate.policy else GatePolicy()
    baseline = store.load(baseline_run) if baseline_run else store.baseline_for(candidate)
    check_comparable(baseline, candidate)
    note = _calibration_note(candidate, policy)
    result = gate(baseline, candidate, policy, calibration_note=note)
    write_outputs(result, markdown_path=outputs.markdown, junit_path=outputs.junit, json_path=outputs.json)
    write_step_summary(markdown(result))
    record_gate(telemetry, result, git_revision())
    telemetry.flush()
    return result


def _calibration_note(candidate: RunResult, policy: GatePolicy) -> str | None:
    rule = policy.require_calibrated_judge
    if rule is None:
        return None
    cal = calibrate(candidate, rule.scorer, load_labels(Path(rule.labels)), alpha=policy.alpha)
    if cal.passes(rule.min_kappa):
        return None
    return f"not calibrated (needs a kappa lower bound of at least {rule.min_kappa}): {cal.describe()}"
