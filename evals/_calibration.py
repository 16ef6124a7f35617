"""Judge calibration: agreement of a judge scorer with human labels, as Cohen's kappa with an interval."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

from evals import _stats
from evals._results import RunResult
from evals.errors import DatasetError


@dataclass(frozen=True, slots=True)
class Calibration:
    scorer: str
    judge: str
    n: int
    agreement: float
    kappa: float
    low: float
    high: float

    def passes(self, min_kappa: float) -> bool:
        return self.low >= min_kappa


def load_labels(path: Path) -> dict[str, str]:
    """Human labels, JSONL lines ``{"case_id": ..., "label": "pass" | "fail"}`` (a bool label works too)."""
    labels: dict[str, str] = {}
    if not path.is_file():
        raise DatasetError(f"{path}: labels file not found")
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            label = row["label"]
            labels[str(row["case_id"])] = ("pass" if label else "fail") if isinstance(label, bool) else str(label)
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise DatasetError(f"{path}:{number}: a label line is {{'case_id': ..., 'label': ...}} ({exc})") from exc
    return labels


def calibrate(
    run: RunResult, scorer: str, labels: dict[str, str], *, alpha: float = 0.05, resamples: int = 2000, seed: int = 7
) -> Calibration:
    """Kappa between the judge's pass/fail on repeat 0 and the human label, over the labelled cases."""
    judged = {c.case_id: c.scores[scorer] for c in run.cases if c.repeat == 0 and scorer in c.scores}
    common = sorted(set(judged) & set(labels))
    if len(common) < 2:
        raise DatasetError(f"only {len(common)} labelled case(s) were judged by {scorer!r} in run {run.run_id}")
    human = [labels[c] for c in common]
    judge = ["pass" if judged[c].passed else "fail" for c in common]
    kappa = _stats.cohen_kappa(human, judge)
    rng = random.Random(seed)
    draws = []
    for _ in range(resamples):
        picks = rng.choices(range(len(common)), k=len(common))
        draws.append(_stats.cohen_kappa([human[i] for i in picks], [judge[i] for i in picks]))
    agreement = sum(h == j for h, j in zip(human, judge, strict=True)) / len(common)
    low, high = _stats.percentile(draws, alpha / 2), _stats.percentile(draws, 1 - alpha / 2)
    return Calibration(scorer, run.judges.get(scorer, ""), len(common), agreement, kappa, low, high)
