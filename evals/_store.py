"""Where runs live: the lake (source of truth) with a JSON copy under ``HARNESS_HOME/evals/runs``.

Approvals are telemetry too (an ``eval_approve`` span) plus a line in ``approvals.jsonl``; the
baseline of a candidate is the latest approved run of the same suite and dataset hash.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from evals._lake import approvals_from_lake, run_from_lake
from evals._results import RunResult
from evals.errors import IncomparableError, RunNotFoundError
from instrumentation import Telemetry, semconv


class RunStore:
    def __init__(self, home: Path) -> None:
        self.home = home
        self.folder = home / "evals"
        self.runs = self.folder / "runs"
        self.approvals_file = self.folder / "approvals.jsonl"
        self.lake_dir = home / "lake"

    def save(self, run: RunResult) -> Path:
        return run.save(self.runs)

    def load(self, run_id: str) -> RunResult:
        """The run from the lake when its spans are there, else from the run file."""
        path = self.runs / f"{run_id}.json"
        from_lake = run_from_lake(self.lake_dir, run_id)
        if from_lake is not None and from_lake.cases:
            return from_lake
        if path.is_file():
            return RunResult.load(path)
        raise RunNotFoundError(f"no eval run {run_id!r} in the lake at {self.lake_dir} or in {self.runs}")

    def approve(self, run_id: str, telemetry: Telemetry, *, by: str = "") -> RunResult:
        run = self.load(run_id)
        attributes: dict[str, str | bool] = {
            semconv.HARNESS_RECORD_TYPE: semconv.RECORD_EVAL_APPROVAL,
            semconv.HARNESS_EVAL_RUN_ID: run.run_id,
            semconv.HARNESS_EVAL_SUITE: run.suite,
            semconv.HARNESS_EVAL_DATASET_HASH: run.dataset_hash,
            semconv.HARNESS_EVAL_CANDIDATE_ID: run.candidate_id,
            semconv.HARNESS_EVAL_APPROVED: True,
            semconv.HARNESS_EVAL_APPROVED_BY: by,
        }
        telemetry.tracer.start_span(semconv.SPAN_EVAL_APPROVE.format(suite=run.suite), attributes=attributes).end()
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
