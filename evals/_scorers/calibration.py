"""Judge calibration: agreement of a judge scorer with human labels, as Cohen's kappa with an interval."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

from evals._gate import stats
from evals._run.results import RunResult
from evals._scorers.base import UNSCORABLE
from evals.errors import CalibrationError, DatasetError


@dataclass(frozen=True, slots=True)
class Calibration:
    """Agreement of a judge with human labels. ``kappa`` (and its interval) is None when undefined:
    every label and every verdict is one and the same class, which says nothing about the judge."""

    scorer: str
    judge: str
    n: int
    agreement: float
    kappa: float | None
    low: float | None
    high: float | None

    def passes(self, min_kappa: float) -> bool:
        return self.low is not None and self.low >= min_kappa

    def describe(self) -> str:
        if self.kappa is None or self.low is None or self.high is None:
            return (
                f"judge {self.scorer} ({self.judge}): kappa undefined: the {self.n} labels and verdicts are all one "
                f"class ({self.agreement:.3f} raw agreement); calibration needs labelled passes and fails"
            )
        return (
            f"judge {self.scorer} ({self.judge}): kappa {self.kappa:.3f} (interval {self.low:.3f} to "
            f"{self.high:.3f}), raw agreement {self.agreement:.3f} on {self.n} labelled cases"
        )


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
    """Kappa between the judge's pass/fail on repeat 0 and the human label, over the labelled cases.

    The interval is a seeded percentile bootstrap at ``1 - alpha``; a resample whose kappa is undefined
    (all one class) counts as chance agreement (0), so a nearly one-class sample cannot pass.
    """
    if scorer not in run.scorers:
        raise CalibrationError(
            f"run {run.run_id} has no scorer {scorer!r}; its scorers: {', '.join(sorted(run.scorers)) or '(none)'}"
        )
    judged = {
        c.case_id: c.scores[scorer]
        for c in run.cases
        if c.repeat == 0 and scorer in c.scores and c.scores[scorer].label not in _NO_VERDICT
    }
    common = sorted(set(judged) & set(labels))
    if len(common) < 2:
        raise CalibrationError(
            f"only {len(common)} labelled case(s) were judged by {scorer!r} in run {run.run_id} "
            f"({len(judged)} judged, {len(labels)} labelled): the labels' case ids must be the run's"
        )
    human = [labels[c] for c in common]
    judge = ["pass" if judged[c].passed else "fail" for c in common]
    kappa = stats.cohen_kappa(human, judge)
    agreement = sum(h == j for h, j in zip(human, judge, strict=True)) / len(common)
    name = run.judges.get(scorer, "")
    if kappa is None:
        return Calibration(scorer, name, len(common), agreement, None, None, None)
    rng = random.Random(seed)
    draws = []
    for _ in range(resamples):
        picks = rng.choices(range(len(common)), k=len(common))
        draw = stats.cohen_kappa([human[i] for i in picks], [judge[i] for i in picks])
        draws.append(0.0 if draw is None else draw)
    low, high = stats.percentile(draws, alpha / 2), stats.percentile(draws, 1 - alpha / 2)
    return Calibration(scorer, name, len(common), agreement, kappa, low, high)


_NO_VERDICT = frozenset({"error", UNSCORABLE})  # a score that is no judgement of the output
