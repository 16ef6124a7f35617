"""What the command line prints about runs: the result line, the errors, the run list, one run's cases."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from evals._run.results import CaseResult, RunResult
from evals._store.lake import RunSummary

SHOWN_ERRORS = 3


def run_line(run: RunResult) -> str:
    errors = len(run.errored)
    return (
        f"run {run.run_id}: {len(run.cases)} results over {len(run.case_ids)} cases x {run.repeats}, "
        f"pass rate {run.pass_rate:.3f}, {errors} errored, task cost ${run.cost:.4f}, status {run.status}, "
        f"system {run.system}"
    )


def errors_text(run: RunResult) -> str:
    """How many cases errored or are missing, with the first errors' messages."""
    errored, missing = run.errored, run.missing
    lines = []
    if errored:
        lines.append(f"{len(errored)} of {len(run.cases)} case result(s) errored; the first:")
        lines += [f"  {c.case_id} (repeat {c.repeat}): {c.error}" for c in errored[:SHOWN_ERRORS]]
    if missing:
        lines.append(
            f"{len(missing)} case(s) have fewer results than repeats ({run.status}): {', '.join(missing[:10])}"
        )
    return "\n".join(lines)


def run_summary(run: RunResult) -> dict[str, Any]:
    """The run in a few numbers, for ``eval run --json``."""
    return {
        "run_id": run.run_id,
        "suite": run.suite,
        "system": run.system,
        "candidate_id": run.candidate_id,
        "dataset_hash": run.dataset_hash,
        "cases": len(run.case_ids),
        "repeats": run.repeats,
        "results": len(run.cases),
        "passed": sum(c.passed for c in run.cases),
        "pass_rate": run.pass_rate,
        "errored": [{"case_id": c.case_id, "repeat": c.repeat, "error": c.error} for c in run.errored],
        "missing": run.missing,
        "cost_usd": run.cost,
        "status": run.status,
        "sampled_cases": run.sampled_cases,
        "failure_modes": run.failure_modes,
    }


def summary_json(summary: RunSummary) -> dict[str, Any]:
    return asdict(summary)


def runs_table(runs: list[RunSummary]) -> list[str]:
    header = f"{'run':<44} {'suite':<18} {'system':<16} {'candidate':<12} {'pass':>6} {'errored':>7}  status"
    lines = [header]
    for r in runs:
        rate = f"{r.passed / r.results:.3f}" if r.results else "-"
        mark = "  (approved)" if r.approved else ""
        lines.append(
            f"{r.run_id:<44} {r.suite:<18} {r.system or '-':<16} {r.candidate_id:<12} {rate:>6} {r.errored:>7}  "
            f"{r.status}{mark}"
        )
    return lines


def run_table(run: RunResult) -> list[str]:
    """One run: its header, then a line per case and repeat with each scorer's verdict."""
    lines = [
        run_line(run),
        f"suite {run.suite}, dataset {run.dataset_hash}, candidate {run.candidate_id}, revision {run.revision}",
    ]
    if run.failure_modes or run.sampled_cases:
        lines.append(f"{run.sampled_cases} case(s) sampled from production; failure modes: {run.failure_modes}")
    lines.append("")
    lines += [_case_line(c) for c in run.cases]
    return lines


def _case_line(case: CaseResult) -> str:
    verdict = "ERROR" if case.error else ("pass" if case.passed else "FAIL")
    scores = ", ".join(f"{name} {'ok' if s.passed else 'x'}" for name, s in case.scores.items())
    line = f"  {case.case_id} #{case.repeat} {verdict:<5} {scores}"
    if case.error:
        line += f"  [{case.error[:160]}]"
    elif not case.passed:
        line += "  " + "; ".join(
            f"{n}: {s.explanation}" for n, s in case.scores.items() if not s.passed and s.explanation
        )
    if case.output is not None:
        line += f"\n      output: {_short(case.output)}"
    return line


def _short(value: Any, width: int = 160) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= width else text[: width - 1] + "…"
