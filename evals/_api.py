"""The two operations a CI job needs, as functions: run a suite, and gate a run against its baseline."""

from __future__ import annotations

import asyncio
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evals._gate.decision import GateResult, check_comparable, gate
from evals._gate.policy import GatePolicy
from evals._report.outputs import markdown, write_outputs, write_step_summary
from evals._report.telemetry import git_revision, record_calibration, record_gate
from evals._run.cache import ResultCache
from evals._run.loading import get_suite
from evals._run.results import RunResult
from evals._run.runner import Progress, run_suite
from evals._run.suite import Suite
from evals._scorers.calibration import calibrate, load_labels
from evals._store.runs import RunStore
from evals.errors import EvalError, IncomparableError
from instrumentation import Telemetry


class StderrProgress:
    """Progress on stderr: one line rewritten in place on a terminal (cleared when the run ends, so it never
    mixes with the result), else a line every ``every`` seconds for CI logs."""

    def __init__(self, every: float = 30.0) -> None:
        self.every, self.last = every, time.monotonic()

    def __call__(self, done: int, total: int, cost: float) -> None:
        line = f"  {done}/{total} cases, ${cost:.4f} spent"
        if sys.stderr.isatty():
            sys.stderr.write("\r\x1b[K" + (line if done < total else ""))
        elif done < total and time.monotonic() - self.last >= self.every:
            self.last = time.monotonic()
            sys.stderr.write(line + "\n")
        sys.stderr.flush()


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
    progress: Progress | None = None,
    run_id: str | None = None,
    system: str | None = None,
) -> RunResult:
    """Run a suite (object, YAML path or registered name), record it, and keep a copy of the result.

    The run belongs to ``system``, else the suite's ``system``, else the telemetry's service name.
    A ``run_id`` already recorded is refused (two runs under one id would be read back as one).
    """
    suite = get_suite(suite) if isinstance(suite, str) else suite
    if params:
        suite.params = {**suite.params, **params}
    store = RunStore(telemetry.settings.home)
    if run_id is not None and store.exists(run_id):
        raise EvalError(f"run id {run_id!r} is already recorded in {store.home}; choose another --run-id")
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
            system=system,
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
    if baseline_run is not None:
        _check_baseline(store, candidate_run, baseline_run)
    baseline = store.load(baseline_run) if baseline_run else store.baseline_for(candidate)
    check_comparable(baseline, candidate)
    note = _calibration_note(telemetry, candidate, policy)
    result = gate(baseline, candidate, policy, calibration_note=note)
    write_outputs(result, markdown_path=outputs.markdown, junit_path=outputs.junit, json_path=outputs.json)
    write_step_summary(markdown(result))
    record_gate(telemetry, result, git_revision())
    telemetry.flush()
    return result


def _check_baseline(store: RunStore, candidate_run: str, baseline_run: str) -> None:
    """An explicit baseline judges the candidate only if it is another run, and an approved one: a run compared
    with itself always passes, and an unapproved one may be a regressed candidate (a CI variable left empty or
    pointing at the previous candidate would let a regression through as "no worse than its baseline")."""
    if baseline_run == candidate_run:
        raise IncomparableError(f"run {candidate_run} cannot be its own baseline: name an approved run of its suite")
    store.load(baseline_run)  # a run that does not exist is named as such first
    if baseline_run not in store.approved():
        raise IncomparableError(
            f"baseline {baseline_run} is not approved: a gate compares with an approved baseline "
            f"(harness eval approve {baseline_run}, or leave out --baseline for the latest approved)"
        )


def _calibration_note(telemetry: Telemetry, candidate: RunResult, policy: GatePolicy) -> str | None:
    rule = policy.require_calibrated_judge
    if rule is None:
        return None
    cal = calibrate(candidate, rule.scorer, load_labels(Path(rule.labels)), alpha=policy.alpha)
    record_calibration(telemetry, cal, min_kappa=rule.min_kappa, run=candidate)
    if cal.passes(rule.min_kappa):
        return None
    return f"not calibrated (needs a kappa lower bound of at least {rule.min_kappa}): {cal.describe()}"
