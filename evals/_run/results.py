"""What a run produced: one ``CaseResult`` per case and repeat, and the ``RunResult`` around them."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals._run.trajectory import Trajectory
from evals._scorers.base import Score
from evals.errors import RunNotFoundError


@dataclass(slots=True)
class CaseResult:
    """One case at one repeat. ``cached`` marks a replay (``cached_from`` names the run that produced it)."""

    case_id: str
    repeat: int
    output: Any = None
    error: str | None = None
    scores: dict[str, Score] = field(default_factory=dict)
    latency: float = 0.0
    trajectory: Trajectory = field(default_factory=Trajectory)
    cached: bool = False
    cached_from: str | None = None
    trace_id: str | None = None
    expected: Any = None  # the case's expected value, kept in the run file (telemetry holds no content)

    @property
    def passed(self) -> bool:
        return self.error is None and bool(self.scores) and all(s.passed for s in self.scores.values())

    def to_json(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "repeat": self.repeat,
            "output": self.output,
            "error": self.error,
            "scores": {k: [s.value, s.passed, s.label, s.explanation] for k, s in self.scores.items()},
            "latency": self.latency,
            "trajectory": self.trajectory.to_json(),
            "cached": self.cached,
            "cached_from": self.cached_from,
            "trace_id": self.trace_id,
            "expected": self.expected,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CaseResult:
        return cls(
            case_id=data["case_id"],
            repeat=int(data["repeat"]),
            output=data.get("output"),
            error=data.get("error"),
            scores={k: Score(float(v[0]), bool(v[1]), v[2], v[3]) for k, v in data.get("scores", {}).items()},
            latency=float(data.get("latency") or 0.0),
            trajectory=Trajectory.from_json(data.get("trajectory") or {}),
            cached=bool(data.get("cached")),
            cached_from=data.get("cached_from"),
            trace_id=data.get("trace_id"),
            expected=data.get("expected"),
        )


@dataclass(slots=True)
class RunResult:
    """A run of a suite against one candidate. ``case_ids`` is the dataset's full list (to find missing items)."""

    run_id: str
    suite: str
    dataset_hash: str
    candidate_id: str
    case_ids: list[str]
    repeats: int = 1
    judges: dict[str, str] = field(default_factory=dict)
    scorers: dict[str, bool] = field(default_factory=dict)  # name -> binary
    revision: str | None = None
    baseline_id: str | None = None  # the approved baseline when the run started, if any
    policy: dict[str, Any] | None = None  # the suite's gate policy, so the gate needs no suite file
    status: str = "complete"
    started_at: str = ""
    cases: list[CaseResult] = field(default_factory=list)
    system: str | None = None  # the system the run evaluates
    sampled_cases: int = 0  # how many of the dataset's cases were sampled from production
    failure_modes: list[str] = field(default_factory=list)  # the distinct failure-mode tags of the dataset
    red_team: bool = False  # a run of a red-team suite
    case_slices: dict[str, dict[str, str]] = field(default_factory=dict)  # case id -> its slice labels

    @property
    def cost(self) -> float:
        return sum(c.trajectory.cost or 0.0 for c in self.cases if not c.cached)

    @property
    def pass_rate(self) -> float:
        return sum(c.passed for c in self.cases) / len(self.cases) if self.cases else 0.0

    @property
    def errored(self) -> list[CaseResult]:
        return [c for c in self.cases if c.error is not None]

    @property
    def missing(self) -> list[str]:
        """Case ids with fewer results than repeats (a budget stop, a crash, dropped telemetry)."""
        counts: dict[str, int] = {}
        for c in self.cases:
            counts[c.case_id] = counts.get(c.case_id, 0) + 1
        return [case_id for case_id in self.case_ids if counts.get(case_id, 0) < self.repeats]

    def to_json(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "suite": self.suite,
            "dataset_hash": self.dataset_hash,
            "candidate_id": self.candidate_id,
            "case_ids": self.case_ids,
            "repeats": self.repeats,
            "judges": self.judges,
            "scorers": self.scorers,
            "revision": self.revision,
            "baseline_id": self.baseline_id,
            "policy": self.policy,
            "status": self.status,
            "started_at": self.started_at,
            "system": self.system,
            "sampled_cases": self.sampled_cases,
            "failure_modes": self.failure_modes,
            "red_team": self.red_team,
            "case_slices": self.case_slices,
            "cases": [c.to_json() for c in self.cases],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RunResult:
        fields = {k: data[k] for k in ("run_id", "suite", "dataset_hash", "candidate_id", "case_ids")}
        return cls(
            **fields,
            repeats=int(data.get("repeats", 1)),
            judges=dict(data.get("judges") or {}),
            scorers=dict(data.get("scorers") or {}),
            revision=data.get("revision"),
            baseline_id=data.get("baseline_id"),
            policy=data.get("policy"),
            status=data.get("status", "complete"),
            started_at=data.get("started_at", ""),
            cases=[CaseResult.from_json(c) for c in data.get("cases", [])],
            system=data.get("system"),
            sampled_cases=int(data.get("sampled_cases") or 0),
            failure_modes=list(data.get("failure_modes") or []),
            red_team=bool(data.get("red_team")),
            case_slices=dict(data.get("case_slices") or {}),
        )

    def save(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{self.run_id}.json"
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(self.to_json(), default=str), encoding="utf-8")
        tmp.replace(path)
        return path

    @classmethod
    def load(cls, path: Path) -> RunResult:
        try:
            return cls.from_json(json.loads(path.read_text(encoding="utf-8")))
        except FileNotFoundError as exc:
            raise RunNotFoundError(f"run file {path} not found") from exc
        except (json.JSONDecodeError, KeyError) as exc:
            raise RunNotFoundError(f"{path}: not a run result file ({exc})") from exc
