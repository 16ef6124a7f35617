"""Suites: a task, a dataset, scorers and a gate policy, declared in Python (here) or in a file (``loading``).

Python::

    @suite("qa", dataset="qa.jsonl", scorers=[Contains()])
    async def qa(case, ctx): ...

``get_suite`` (in ``loading``) finds one by YAML path, by registered name, or as ``module:name`` where
``name`` is the suite's name or the decorated function's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals._gate.policy import BUILTIN_METRICS, GatePolicy
from evals._run.dataset import Dataset, load_dataset
from evals._scorers.base import Scorer
from evals.errors import SuiteError

Task = Callable[..., Any]  # task(case, ctx) -> output, sync or async


@dataclass
class Suite:
    name: str
    task: Task
    dataset: Dataset
    scorers: list[Scorer]
    gate: GatePolicy = field(default_factory=GatePolicy)
    repeats: int = 1
    concurrency: int = 8
    params: dict[str, Any] = field(default_factory=dict)
    task_ref: str = ""
    system: str | None = None  # the system the suite evaluates (default: the telemetry's service name)
    red_team: bool = False  # an adversarial suite: its runs over time are the red-teaming cadence

    def __post_init__(self) -> None:
        names = [s.name for s in self.scorers]
        if len(set(names)) != len(names):
            raise SuiteError(f"suite {self.name!r}: scorer names must be unique, got {names}")
        unknown = [m for m in self.gate.metrics if m not in self.metric_names]
        if unknown:
            raise SuiteError(
                f"suite {self.name!r}: gate metric {unknown[0]!r} is neither a scorer nor a built-in metric; "
                f"metrics: {', '.join(self.metric_names)}"
            )
        self._check_slices()
        rule = self.gate.require_calibrated_judge
        if rule is not None and rule.scorer not in names:
            raise SuiteError(f"suite {self.name!r}: require_calibrated_judge.scorer {rule.scorer!r} is not a scorer")
        if not self.task_ref:
            self.task_ref = f"{getattr(self.task, '__module__', '?')}:{getattr(self.task, '__qualname__', '?')}"

    def _check_slices(self) -> None:
        labelled = {dimension for case in self.dataset.cases for dimension in case.slices}
        for dimension, rule in self.gate.slices.items():
            if dimension not in labelled:
                raise SuiteError(
                    f"suite {self.name!r}: gate.slices names {dimension!r}, but no case of the dataset has that slice "
                    f"label; labels: {', '.join(sorted(labelled)) or '(none)'}"
                )
            unknown = [m for m in rule.metrics if m not in self.metric_names]
            if unknown:
                raise SuiteError(f"suite {self.name!r}: gate.slices.{dimension}: metric {unknown[0]!r} is not a metric")

    @property
    def judges(self) -> dict[str, str]:
        return {s.name: s.version for s in self.scorers if s.version}

    @property
    def metric_names(self) -> list[str]:
        """What the gate can compare: the built-in metrics and every scorer."""
        return sorted({*BUILTIN_METRICS, *(s.name for s in self.scorers)})


_REGISTRY: dict[str, Callable[[], Suite]] = {}
SUITE_ATTRIBUTE = "__eval_suite__"


def suite(
    name: str,
    *,
    dataset: str | Path | Dataset,
    scorers: list[Scorer],
    gate: GatePolicy | None = None,
    repeats: int = 1,
    concurrency: int = 8,
    params: dict[str, Any] | None = None,
    system: str | None = None,
    red_team: bool = False,
) -> Callable[[Task], Task]:
    """Register the decorated task as a suite (the dataset is read when the suite is first built)."""

    def register(task: Task) -> Task:
        def build() -> Suite:
            data = dataset if isinstance(dataset, Dataset) else load_dataset(dataset)
            policy = gate or GatePolicy()
            built = Suite(name, task, data, scorers, policy, repeats, concurrency, dict(params or {}), system=system)
            built.red_team = red_team
            return built

        _REGISTRY[name] = build
        setattr(task, SUITE_ATTRIBUTE, name)  # so module:function finds the suite as module:name does
        return task

    return register


def registered_suites() -> list[str]:
    return sorted(_REGISTRY)


def registered(name: str) -> Suite:
    if name not in _REGISTRY:
        raise SuiteError(
            f"no suite named {name!r}; registered: {registered_suites()} (pass a YAML path or module:name)"
        )
    return _REGISTRY[name]()
