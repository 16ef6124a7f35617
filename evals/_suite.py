"""Suites: a task, a dataset, scorers and a gate policy, declared in Python or in YAML.

Python::

    @suite("qa", dataset="qa.jsonl", scorers=[Contains()])
    async def qa(case, ctx): ...

YAML (paths relative to the file)::

    name: qa
    task: mypkg.tasks:answer
    dataset: qa.jsonl
    scorers: [{type: contains}, {type: judge, model: judge-small, rubric: "..."}]
    gate: {metrics: {pass: {margin: 0.05}}}
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from evals._dataset import Dataset, load_dataset
from evals._judge import LLMJudge
from evals._policy import GatePolicy
from evals._scorers import Contains, Exact, JsonSchema, MaxSteps, Numeric, Regex, Scorer, Termination, ToolUsed
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

    def __post_init__(self) -> None:
        names = [s.name for s in self.scorers]
        if len(set(names)) != len(names):
            raise SuiteError(f"suite {self.name!r}: scorer names must be unique, got {names}")
        if not self.task_ref:
            self.task_ref = f"{getattr(self.task, '__module__', '?')}:{getattr(self.task, '__qualname__', '?')}"

    @property
    def judges(self) -> dict[str, str]:
        return {s.name: s.version for s in self.scorers if s.version}


_REGISTRY: dict[str, Callable[[], Suite]] = {}


def suite(
    name: str,
    *,
    dataset: str | Path | Dataset,
    scorers: list[Scorer],
    gate: GatePolicy | None = None,
    repeats: int = 1,
    concurrency: int = 8,
    params: dict[str, Any] | None = None,
) -> Callable[[Task], Task]:
    """Register the decorated task as a suite (the dataset is read when the suite is first built)."""

    def register(task: Task) -> Task:
        def build() -> Suite:
            data = dataset if isinstance(dataset, Dataset) else load_dataset(dataset)
            return Suite(name, task, data, scorers, gate or GatePolicy(), repeats, concurrency, dict(params or {}))

        _REGISTRY[name] = build
        return task

    return register


def registered_suites() -> list[str]:
    return sorted(_REGISTRY)


def get_suite(ref: str) -> Suite:
    """A suite by YAML path or by registered name (``module:name`` imports the module first)."""
    if ref.endswith((".yaml", ".yml")):
        return load_suite_yaml(Path(ref))
    module, _, name = ref.rpartition(":")
    if module:
        _import(module, ref)
    if name not in _REGISTRY:
        raise SuiteError(
            f"no suite named {name!r}; registered: {registered_suites()} (pass a YAML path or module:name)"
        )
    return _REGISTRY[name]()


class _DatasetRef(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str
    fields: dict[str, str] = Field(default_factory=dict)


class _SuiteFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    task: str
    dataset: str | _DatasetRef
    scorers: list[dict[str, Any]] = Field(min_length=1)
    gate: GatePolicy = Field(default_factory=GatePolicy)
    repeats: int = Field(default=1, ge=1)
    concurrency: int = Field(default=8, ge=1)
    params: dict[str, Any] = Field(default_factory=dict)


def load_suite_yaml(path: Path) -> Suite:
    if not path.is_file():
        raise SuiteError(f"{path}: suite file not found")
    try:
        spec = _SuiteFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except yaml.YAMLError as exc:
        raise SuiteError(f"{path}: not valid YAML: {exc}") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise SuiteError(f"{path}: field {where!r}: {first['msg']}") from exc
    module, _, attr = spec.task.partition(":")
    task = getattr(_import(module, spec.task), attr, None)
    if not callable(task):
        raise SuiteError(f"{path}: task {spec.task!r} is not a callable (write it as module:function)")
    ref = spec.dataset if isinstance(spec.dataset, _DatasetRef) else _DatasetRef(path=spec.dataset)
    dataset = load_dataset(_resolve(path, ref.path), ref.fields or None)
    scorers = [build_scorer(item, path) for item in spec.scorers]
    return Suite(spec.name, task, dataset, scorers, spec.gate, spec.repeats, spec.concurrency, spec.params, spec.task)


def _resolve(suite_file: Path, dataset: str) -> Path:
    """A dataset path relative to the suite file, or ``package:relative/path`` inside an installed package."""
    package, sep, inner = dataset.partition(":")
    if sep and "/" not in package and "\\" not in package:
        from importlib import resources

        return Path(str(resources.files(package).joinpath(inner)))
    return (suite_file.parent / dataset).resolve()


def _import(module: str, ref: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise SuiteError(f"cannot import {module!r} for {ref!r}: {exc}") from exc


_SCORERS: dict[str, Callable[..., Scorer]] = {
    "exact": Exact,
    "contains": Contains,
    "regex": Regex,
    "json_schema": JsonSchema,
    "numeric": Numeric,
    "tool_used": ToolUsed,
    "tool_not_used": lambda tool, **kw: ToolUsed(tool, expected=False, **kw),
    "max_steps": MaxSteps,
    "termination": Termination,
    "judge": LLMJudge,
}


def build_scorer(spec: dict[str, Any], where: Path | str) -> Scorer:
    """A scorer from its YAML spec ``{type: ..., name: ..., <parameters>}``."""
    params = dict(spec)
    kind = params.pop("type", None)
    if kind not in _SCORERS:
        raise SuiteError(f"{where}: scorer type {kind!r} unknown; known: {sorted(_SCORERS)}")
    if kind == "judge" and "prompt_version" in params:
        params["prompt_version_"] = params.pop("prompt_version")
    try:
        return _SCORERS[kind](**params)
    except (TypeError, ValueError) as exc:
        raise SuiteError(f"{where}: scorer {kind!r}: {exc}") from exc
