"""Datasets: JSONL or YAML files of cases, strictly validated and versioned by content hash."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from evals.errors import DatasetError

ORIGIN_PRODUCTION = "production"  # a case drawn from production calls by `harness eval sample`


class Case(BaseModel):
    """One item of a dataset: what the task gets, what a scorer may compare with, and labels.

    ``origin`` is ``production`` (with ``sampled_at``, ISO 8601) for a case sampled from production calls;
    ``failure_modes`` tag the ways of failing the case probes (``[refund_policy, hallucinated_order]``);
    ``slices`` label the groups the case belongs to (``{language: fr, segment: smb}``), which the gate
    can compare one by one (``gate.slices``).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    id: str = Field(min_length=1)
    input: Any
    expected: Any = None
    metadata: dict[str, Any] = Field(default_factory=dict)
    tags: list[str] = Field(default_factory=list)
    origin: str | None = Field(default=None, min_length=1)
    sampled_at: str | None = None
    failure_modes: list[str] = Field(default_factory=list)
    slices: dict[str, str] = Field(default_factory=dict)

    @field_validator("sampled_at")
    @classmethod
    def _iso_time(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError as exc:
                raise ValueError(f"not an ISO 8601 time: {value!r}") from exc
        return value

    @field_validator("failure_modes")
    @classmethod
    def _named(cls, value: list[str]) -> list[str]:
        if any(not mode.strip() for mode in value):
            raise ValueError("a failure mode is a non-empty name")
        return value

    def content_hash(self) -> str:
        return _digest(self.hashed())

    def hashed(self) -> dict[str, Any]:
        """What the hash covers: every field, leaving out the later ones while unset, so datasets
        written before they existed keep their hash (and their approved baselines)."""
        data = self.model_dump(mode="json")
        for key in _LATER_FIELDS:
            if not data[key]:
                del data[key]
        return data


_LATER_FIELDS = ("origin", "sampled_at", "failure_modes", "slices")


@dataclass(frozen=True, slots=True)
class Dataset:
    """Validated cases from one file; ``hash`` changes whenever any case's content does."""

    name: str
    cases: tuple[Case, ...]
    hash: str
    path: Path | None = None

    def __len__(self) -> int:
        return len(self.cases)


def dataset_from_cases(name: str, cases: list[Case] | tuple[Case, ...], path: Path | None = None) -> Dataset:
    """Build a dataset from cases already in memory (duplicate ids are an error)."""
    seen: set[str] = set()
    for case in cases:
        if case.id in seen:
            raise DatasetError(f"{path or name}: duplicate case id {case.id!r}; ids must be unique")
        seen.add(case.id)
    digest = _digest([case.hashed() for case in cases])
    return Dataset(name=name, cases=tuple(cases), hash=digest, path=path)


def load_dataset(path: str | Path, fields: dict[str, str] | None = None) -> Dataset:
    """Read ``.jsonl`` (one case per line) or ``.yaml``/``.yml`` (a list of cases, or ``{cases: [...]}``).

    ``fields`` maps a foreign file's keys onto cases (``{"input": "question", "expected": "keywords"}``);
    its other keys go to ``metadata``.
    """
    path = Path(path)
    return dataset_from_rows(path, read_rows(path), fields)


Row = tuple[int, Any]  # (line number, the row as parsed)


def read_rows(path: Path) -> list[Row]:
    """The rows of a dataset file with their line numbers, before any field mapping."""
    if not path.is_file():
        raise DatasetError(f"{path}: dataset file not found")
    if path.suffix == ".jsonl":
        rows = [(n, _json_line(path, n, line)) for n, line in _lines(path)]
    elif path.suffix in (".yaml", ".yml"):
        rows = _yaml_items(path)
    else:
        raise DatasetError(f"{path}: unknown dataset format {path.suffix!r}; use .jsonl, .yaml or .yml")
    if not rows:
        raise DatasetError(f"{path}: the dataset has no cases")
    return rows


def row_keys(rows: list[Row]) -> set[str]:
    """Every key any row has."""
    return {str(key) for _, raw in rows if isinstance(raw, dict) for key in raw}


def dataset_from_rows(path: Path, rows: list[Row], fields: dict[str, str] | None = None) -> Dataset:
    return dataset_from_cases(path.stem, [_case(path, number, _mapped(raw, fields)) for number, raw in rows], path)


def _lines(path: Path) -> list[tuple[int, str]]:
    text = path.read_text(encoding="utf-8")
    return [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]


def _json_line(path: Path, number: int, line: str) -> Any:
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        raise DatasetError(f"{path}:{number}: not valid JSON ({exc.msg} at column {exc.colno})") from exc


def _yaml_items(path: Path) -> list[tuple[int, Any]]:
    """The cases of a YAML dataset with the line each starts on (for error messages)."""
    text = path.read_text(encoding="utf-8")
    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DatasetError(f"{path}: not valid YAML: {exc}") from exc
    nodes = root.value if root is not None and isinstance(root.value, list) else []
    if isinstance(data, dict) and "cases" in data:
        data = data["cases"]
        nodes = next((v.value for k, v in root.value if k.value == "cases"), []) if root is not None else []
    if not isinstance(data, list):
        raise DatasetError(f"{path}: a YAML dataset is a list of cases or a mapping with a 'cases' list")
    return [(node.start_mark.line + 1, item) for node, item in zip(nodes, data, strict=True)]


def _mapped(raw: Any, fields: dict[str, str] | None) -> Any:
    """A foreign row as a case: mapped keys renamed, keys named like an unmapped case field kept, the rest metadata."""
    if not fields or not isinstance(raw, dict):
        return raw
    mapping = {name: name for name in Case.model_fields if name not in fields and name != "metadata"} | fields
    case = {ours: raw[theirs] for ours, theirs in mapping.items() if theirs in raw}
    case["metadata"] = {k: v for k, v in raw.items() if k not in mapping.values()}
    return case


def _case(path: Path, number: int, raw: Any) -> Case:
    if not isinstance(raw, dict):
        raise DatasetError(f"{path}:{number}: a case is a mapping with at least 'id' and 'input'")
    try:
        return Case.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "(case)"
        raise DatasetError(f"{path}:{number}: field {field!r}: {first['msg']}") from exc


def _digest(payload: Any) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]
