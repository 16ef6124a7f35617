"""Constructed runs whose right gate answer is known."""

from __future__ import annotations

import random

from evals import CaseResult, RunResult, Score, Trajectory


def make_run(
    run_id: str,
    passes: list[bool],
    *,
    costs: list[float] | None = None,
    latencies: list[float] | None = None,
    dataset_hash: str = "sha256:d1",
    judges: dict[str, str] | None = None,
    drop: set[int] | None = None,
    errored: set[int] | None = None,
) -> RunResult:
    ids = [f"case-{i:04d}" for i in range(len(passes))]
    cases = []
    for i, (case_id, ok) in enumerate(zip(ids, passes, strict=True)):
        if drop and i in drop:
            continue
        cases.append(
            CaseResult(
                case_id,
                0,
                error="TimeoutError: upstream" if errored and i in errored else None,
                scores={"correct": Score(float(ok), ok)},
                latency=latencies[i] if latencies else 0.1,
                trajectory=Trajectory(cost=costs[i] if costs else 0.001, steps=2),
                trace_id=f"{i:032x}",
            )
        )
    return RunResult(run_id, "qa", dataset_hash, "v", ids, judges=judges or {}, scorers={"correct": True}, cases=cases)


def base_passes(n: int, rate: float = 0.85, seed: int = 1) -> list[bool]:
    rng = random.Random(seed)
    return [rng.random() < rate for _ in range(n)]


def degrade(passes: list[bool], fraction: float, seed: int = 2) -> list[bool]:
    rng = random.Random(seed)
    return [p and rng.random() >= fraction for p in passes]


def make_scored_run(run_id: str, values: list[float], *, scorer: str = "quality") -> RunResult:
    """A run with one numeric (non-binary) scorer; each item passes when its value reaches 0.5."""
    ids = [f"case-{i:04d}" for i in range(len(values))]
    cases = [
        CaseResult(case_id, 0, scores={scorer: Score(value, value >= 0.5)}, trace_id=f"{i:032x}")
        for i, (case_id, value) in enumerate(zip(ids, values, strict=True))
    ]
    return RunResult(run_id, "qa", "sha256:d1", "v", ids, scorers={scorer: False}, cases=cases)


def paired_counts(*, n: int, worse: int, better: int, both: int) -> tuple[list[bool], list[bool]]:
    """Baseline and candidate pass lists with exactly these paired counts (the rest fail in both)."""
    base = [True] * both + [True] * worse + [False] * better
    cand = [True] * both + [False] * worse + [True] * better
    rest = n - len(base)
    return base + [False] * rest, cand + [False] * rest
