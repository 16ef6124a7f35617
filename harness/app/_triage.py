"""The reference app's classical system: a small logistic-regression triage model, served through ``predict``.

The support desk routes each incoming ticket by the probability that it needs a human within the hour.
The model is a handful of keyword features and fixed weights (no training at run time, no download);
each batch it scores is one ``predict ticket-triage-logreg`` span of system ``ticket-triage``, kind
``classical``, so the scorecard shows a classical-ML system beside the LLM one.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from harness.facts import predict
from instrumentation import Telemetry

TRIAGE_SYSTEM = "ticket-triage"
TRIAGE_MODEL = "ticket-triage-logreg"
_WORD = re.compile(r"[a-z]+")
_FEATURES = ("refund", "broken", "urgent", "charged", "cancel", "where", "order", "late")


@dataclass(frozen=True, slots=True)
class TriageModel:
    """``P(urgent) = sigmoid(bias + weights · keyword counts + length_weight · words / 10)``."""

    version: str
    bias: float
    weights: tuple[float, ...]
    length_weight: float

    def probability(self, ticket: str) -> float:
        words = _WORD.findall(ticket.lower())
        counts = [words.count(feature) for feature in _FEATURES]
        z = (
            self.bias
            + sum(w * c for w, c in zip(self.weights, counts, strict=True))
            + self.length_weight * len(words) / 10
        )
        return 1.0 / (1.0 + math.exp(-z))


# Version 3 is in production; version 4 (retrained on a later month) weighs delivery questions higher.
TRIAGE_MODELS = {
    "3": TriageModel("3", -1.2, (1.4, 1.1, 1.8, 1.3, 0.9, -0.4, 0.2, 0.6), 0.15),
    "4": TriageModel("4", -1.0, (1.5, 1.2, 1.9, 1.2, 1.0, -0.2, 0.5, 0.9), 0.12),
}


def triage(tickets: Sequence[str], *, model: TriageModel, telemetry: Telemetry, batch: int = 8) -> list[float]:
    """Score ``tickets`` in batches of ``batch``, one ``predict`` span per batch; the probabilities in order."""
    scores: list[float] = []
    for start in range(0, len(tickets), batch):
        rows = tickets[start : start + batch]
        with predict(
            TRIAGE_MODEL, system=TRIAGE_SYSTEM, version=model.version, rows=len(rows), tracer=telemetry.tracer
        ):
            scores += [model.probability(ticket) for ticket in rows]
    return scores
