"""Where runs live: the lake (source of truth) with a JSON copy under ``HARNESS_HOME/evals/runs``.

The copy also keeps what telemetry does not hold (each case's output and expected value). Approvals
are telemetry too (an ``eval_approve`` span) plus a line in ``approvals.jsonl``; the baseline of a
candidate is the latest approved run of the same suite and dataset hash. A run with errored or
missing cases is not approved unless the caller says so.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from evals._report.telemetry import record_approval
from evals._run.results import RunResult
from evals._store.lake import RunSummary, approvals_from_lake, run_from_lake, runs_from_lake
from evals.errors import ApprovalError, EvalError, IncomparableError, RunNotFoundError
from instrumentation import Telemetry


class RunStore:
    def __init__(self, home: Path) -> None:
        self.home = home
        self.folder = home / "evals"
        self.runs = self.folder / "runs"
        self.approvals_file = self.folder / "approvals.jsonl"
        self.lake_dir = home / "lake"

    def save(self, run: RunResult) -> Path:
        return run.save(self.runs)

    def exists(self, run_id: str) -> bool:
        return (self.runs / f"{run_id}.json").is_file() or run_from_lake(self.lake_dir, run_id) is not None

    def load(self, run_id: str) -> RunResult:
        """The run from the lake when its spans are there (with outputs from the run file), else the run file."""
        path = self.runs / f"{run_id}.json"
        from_file = RunResult.load(path) if path.is_file() else None
        from_lake = run_from_lake(self.lake_dir, run_id)
        if from_lake is not None and from_lake.cases:
            return _with_content(from_lake, from_file) if from_file is not None else from_lake
        if from_file is not None:
            return from_file
        raise RunNotFoundError(
            f"no eval run {run_id!r} in the lake at {self.lake_dir} or in {self.runs} "
            "(harness eval list shows the runs)"
        )

    def runs_list(self) -> list[RunSummary]:
        """Every recorded run, newest first: the lake's, and run files the lake does not have."""
        listed = runs_from_lake(self.lake_dir)
        known = {r.run_id for r in listed}
        for path in sorted(self.runs.glob("*.json")) if self.runs.is_dir() else []:
            if path.stem not in known:
                try:
                    listed.append(RunSummary.of(RunResult.load(path)))
                except EvalError:
                    continue
        approved = set(self.approved())
        for summary in listed:
            summary.approved = summary.run_id in approved
        return sorted(listed, key=lambda r: r.started_at, reverse=True)

    def approve(self, run_id: str, telemetry: Telemetry, *, by: str = "", allow_incomplete: bool = False) -> RunResult:
        """Approve a run as its suite's baseline; a run with errored or missing cases needs ``allow_incomplete``."""
        run = self.load(run_id)
        problem = incomplete(run)
        if problem and not allow_incomplete:
            raise ApprovalError(
                f"run {run.run_id} is not approved: {problem}. A baseline must be complete and clean; fix the "
                "cases and run again, or approve it anyway with --allow-incomplete (allow_incomplete=True)"
            )
        record_approval(telemetry, run, by)
        self.folder.mkdir(parents=True, exist_ok=True)
        entry = {"run_id": run.run_id, "by": by, "at": datetime.now(UTC).isoformat()}
        with self.approvals_file.open("a", encoding="utf-8") as f:
            f.write(json.dumps(entry) + "\n")
        return run

    def approved(self) -> list[str]:
        """Approved run ids, newest approval first (lake and file merged)."""
        from_file = []
        if self.approvals_file.is_file():
            lines = self.approvals_file.read_text(encoding="utf-8").splitlines()
            from_file = [json.loads(line)["run_id"] for line in reversed(lines) if line.strip()]
        merged = list(dict.fromkeys(from_file + approvals_from_lake(self.lake_dir)))
        return merged

    def latest_approved(
        self, suite: str, dataset_hash: str, *, exclude: str = ""
    ) -> tuple[RunResult | None, list[str]]:
        """The latest approved run of ``suite`` on ``dataset_hash``, and the approved runs on other datasets."""
        others: list[str] = []
        for run_id in self.approved():
            if run_id == exclude:
                continue
            try:
                run = self.load(run_id)
            except RunNotFoundError:
                continue
            if run.suite != suite:
                continue
            if run.dataset_hash == dataset_hash:
                return run, others
            others.append(f"{run.run_id} (dataset {run.dataset_hash})")
        return None, others

    def baseline_for(self, candidate: RunResult) -> RunResult:
        """The latest approved run of the candidate's suite and dataset hash (never the candidate itself)."""
        run, others = self.latest_approved(candidate.suite, candidate.dataset_hash, exclude=candidate.run_id)
        if run is not None:
            return run
        hint = f"; approved runs of this suite use other datasets: {', '.join(others)}" if others else ""
        raise IncomparableError(
            f"no approved baseline for suite {candidate.suite!r} on dataset {candidate.dataset_hash}{hint}. "
            "Run the current version and approve it: harness eval approve RUN_ID"
        )


def incomplete(run: RunResult) -> str:
    """What keeps a run from being a clean baseline ("" when nothing does)."""
    parts = []
    errored, missing = run.errored, run.missing
    if errored:
        first = "; ".join(f"{c.case_id}: {c.error}" for c in errored[:3])
        parts.append(f"{len(errored)} of {len(run.cases)} case result(s) errored ({first})")
    if missing:
        parts.append(f"{len(missing)} case(s) have fewer results than repeats ({', '.join(missing[:5])})")
    return " and ".join(parts)


def _with_content(from_lake: RunResult, from_file: RunResult) -> RunResult:
    """The lake's run with each case's output and expected value, which only the run file holds."""
    content = {(c.case_id, c.repeat): c for c in from_file.cases}
    for case in from_lake.cases:
        kept = content.get((case.case_id, case.repeat))
        if kept is not None:
            case.output, case.expected = kept.output, kept.expected
    from_lake.started_at = from_lake.started_at or from_file.started_at
    return from_lake
