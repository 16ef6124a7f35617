"""Finding a suite: a YAML file, a registered name, or ``module:name``.

A suite file is validated whole when it loads: its keys, each scorer's type and parameters, the gate's
metrics, the calibration rule, and the dataset's field mapping against the rows. Every error names the
file and line and lists the valid choices. Paths are relative to the file, and a module beside the file
is importable. Every key is described in ``docs/evals.md``::

    name: qa
    system: support-desk               # the system it evaluates (default: OTEL_SERVICE_NAME)
    task: qa_task:answer               # module:function, task(case, ctx) -> output
    dataset: {path: qa.jsonl, fields: {input: question, expected: answer}}
    scorers: [{type: contains}, {type: judge, model: judge-small, rubric: "..."}]
    gate: {metrics: {pass: {margin: 0.05}}}
"""

from __future__ import annotations

import importlib
import sys
import typing
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from evals._gate.policy import BUILTIN_METRICS, GatePolicy
from evals._run.dataset import Case, dataset_from_rows, read_rows, row_keys
from evals._run.suite import SUITE_ATTRIBUTE, Suite, registered
from evals._scorers.base import Scorer
from evals._scorers.registry import build_scorer
from evals.errors import SuiteError


def get_suite(ref: str) -> Suite:
    """A suite by YAML path, by registered name, or as ``module:name`` (the suite's or its function's name)."""
    if ref.endswith((".yaml", ".yml")):
        return load_suite_yaml(Path(ref))
    module, _, name = ref.rpartition(":")
    if module:
        found = getattr(_import(module, ref), name, None)
        name = getattr(found, SUITE_ATTRIBUTE, name)
    return registered(name)


class _DatasetRef(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str
    fields: dict[str, str] = Field(default_factory=dict)


class SuiteFile(BaseModel):
    """The keys of a suite file."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    task: str = Field(min_length=1)
    dataset: _DatasetRef
    scorers: list[dict[str, Any]] = Field(min_length=1)
    gate: GatePolicy = Field(default_factory=GatePolicy)
    repeats: int = Field(default=1, ge=1)
    concurrency: int = Field(default=8, ge=1)
    params: dict[str, Any] = Field(default_factory=dict)
    system: str | None = Field(default=None, min_length=1)
    red_team: bool = False

    @field_validator("dataset", mode="before")
    @classmethod
    def _path_alone(cls, value: Any) -> Any:
        return {"path": value} if isinstance(value, str) else value

    @field_validator("scorers", mode="before")
    @classmethod
    def _type_alone(cls, value: Any) -> Any:
        return (
            [{"type": item} if isinstance(item, str) else item for item in value] if isinstance(value, list) else value
        )


CASE_FIELDS = tuple(Case.model_fields)


class _Lines:
    """``file:line`` of a key path in the suite file (the nearest enclosing line when the path is absent)."""

    def __init__(self, path: Path, root: yaml.Node | None) -> None:
        self.path, self.root = path, root

    def __call__(self, *keys: str | int) -> str:
        node, line = self.root, 1
        for key in keys:
            if isinstance(node, yaml.MappingNode):
                hit = next(((k, v) for k, v in node.value if k.value == str(key)), None)
                if hit is None:
                    break
                line, node = hit[0].start_mark.line + 1, hit[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
                node = node.value[key]
                line = node.start_mark.line + 1
            else:
                break
        return f"{self.path}:{line}"


def load_suite_yaml(path: Path) -> Suite:
    """Load and validate a suite file; a ``SuiteError`` names the file, the line and the valid choices."""
    spec, at = _read(path)
    with _importable(path.parent):
        task = _task(spec.task, at("task"))
        scorers = [build_scorer(item, at("scorers", i)) for i, item in enumerate(spec.scorers)]
    names = sorted({*BUILTIN_METRICS, *(s.name for s in scorers)})
    for metric in spec.gate.metrics:
        if metric not in names:
            raise SuiteError(
                f"{at('gate', 'metrics', metric)}: gate metric {metric!r} is neither a scorer of this suite "
                f"nor a built-in; metrics: {', '.join(names)}"
            )
    gate = _calibration_resolved(spec.gate, path, scorers, at)
    dataset = _dataset(spec.dataset, path, at)
    return Suite(
        spec.name, task, dataset, scorers, gate, spec.repeats, spec.concurrency, spec.params, spec.task, spec.system,
        spec.red_team,
    )  # fmt: skip


def _read(path: Path) -> tuple[SuiteFile, _Lines]:
    if not path.is_file():
        raise SuiteError(f"{path}: suite file not found")
    text = path.read_text(encoding="utf-8")
    try:
        root, data = yaml.compose(text), yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SuiteError(f"{path}: not valid YAML: {exc}") from exc
    at = _Lines(path, root)
    if not isinstance(data, dict):
        raise SuiteError(f"{path}: a suite file is a mapping with the keys {', '.join(SuiteFile.model_fields)}")
    try:
        return SuiteFile.model_validate(data), at
    except ValidationError as exc:
        errors = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")  # a typo explains a gap
        raise SuiteError("\n".join(_message(error, at) for error in errors[:5])) from exc


def _message(error: Any, at: _Lines) -> str:
    loc = tuple(error["loc"])
    where = ".".join(str(part) for part in loc)
    if error["type"] == "extra_forbidden":
        keys = _keys_at(loc[:-1])
        return f"{at(*loc)}: unknown key {where!r}" + (f"; keys: {', '.join(keys)}" if keys else "")
    return f"{at(*loc)}: field {where!r}: {error['msg']}"


def _keys_at(loc: tuple[Any, ...]) -> list[str]:
    """The valid keys of the mapping at ``loc`` in a suite file."""
    model: Any = SuiteFile
    for part in loc:
        field = getattr(model, "model_fields", {}).get(part)
        if field is None:
            model = _mapping_value_model(model)
            continue
        model = _model_of(field.annotation)
    return sorted(getattr(model, "model_fields", {}))


def _model_of(annotation: Any) -> Any:
    """The model (or ``dict[str, Model]``) a field holds, looking through ``Model | None``."""
    if typing.get_origin(annotation) is dict:
        return annotation
    for candidate in (annotation, *typing.get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def _mapping_value_model(model: Any) -> Any:
    """For ``dict[str, Model]`` one level down (a gate metric's rule), the value model."""
    return _model_of(typing.get_args(model)[-1]) if typing.get_origin(model) is dict else None


def _task(ref: str, where: str) -> Any:
    module, sep, attribute = ref.partition(":")
    if not sep or not attribute:
        raise SuiteError(f"{where}: task {ref!r}: write it as module:function")
    task: Any = _import(module, ref, where)
    for part in attribute.split("."):
        task = getattr(task, part, None)
    if not callable(task):
        raise SuiteError(f"{where}: task {ref!r}: module {module!r} has no function {attribute!r}")
    return task


def _dataset(ref: _DatasetRef, suite_file: Path, at: _Lines) -> Any:
    path = _resolve(suite_file, ref.path)
    rows = read_rows(path)
    keys = row_keys(rows)
    for ours, theirs in ref.fields.items():
        where = at("dataset", "fields", ours)
        if ours not in CASE_FIELDS:
            raise SuiteError(
                f"{where}: dataset.fields: {ours!r} is not a case field; case fields: {', '.join(CASE_FIELDS)}"
            )
        if theirs not in keys:
            raise SuiteError(
                f"{where}: dataset.fields maps {ours!r} to {theirs!r}, which no row of {path.name} has; "
                f"rows have: {', '.join(sorted(keys))}"
            )
    return dataset_from_rows(path, rows, ref.fields or None)


def _calibration_resolved(gate: GatePolicy, suite_file: Path, scorers: list[Scorer], at: _Lines) -> GatePolicy:
    rule = gate.require_calibrated_judge
    if rule is None:
        return gate
    where = at("gate", "require_calibrated_judge")
    names = [s.name for s in scorers]
    if rule.scorer not in names:
        raise SuiteError(f"{where}: require_calibrated_judge.scorer {rule.scorer!r} is not a scorer; scorers: {names}")
    labels = (suite_file.parent / rule.labels).resolve()
    if not labels.is_file():
        raise SuiteError(f"{where}: require_calibrated_judge.labels: {labels} not found")
    return gate.model_copy(update={"require_calibrated_judge": rule.model_copy(update={"labels": str(labels)})})


def _resolve(suite_file: Path, dataset: str) -> Path:
    """A dataset path relative to the suite file, or ``package:relative/path`` inside an installed package."""
    package, sep, inner = dataset.partition(":")
    if sep and "/" not in package and "\\" not in package:
        from importlib import resources

        return Path(str(resources.files(package).joinpath(inner)))
    return (suite_file.parent / dataset).resolve()


@contextmanager
def _importable(folder: Path) -> Iterator[None]:
    """Modules beside the suite file import while it loads (no PYTHONPATH needed)."""
    entry = str(folder.resolve())
    added = entry not in sys.path
    if added:
        sys.path.insert(0, entry)
    try:
        yield
    finally:
        if added and entry in sys.path:
            sys.path.remove(entry)


def _import(module: str, ref: str, where: str = "") -> Any:
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise SuiteError(f"{where + ': ' if where else ''}cannot import {module!r} for {ref!r}: {exc}") from exc
