"""Scoring's inputs besides telemetry: the systems catalogue, the attestation file, and times.

``systems.yaml`` names each AI system, its kind (llm or classical), owner, on-call rotation and
whether it is an agent; ``attestations.yaml`` records human statements (risk assessment done,
runbook exists, or the criterion does not apply) with who, when and an expiry. Both default to
files in HARNESS_HOME; docs/scoring-inputs.md describes every key.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from instrumentation import timestamps
from scoring._names import Kind
from scoring.errors import InputFileError

SYSTEMS_FILE = "systems.yaml"
ATTESTATIONS_FILE = "attestations.yaml"
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def is_zoneless(value: str | datetime | None) -> bool:
    """True for a time of day without a zone (``2026-05-01T12:00``); a bare date or an aware time is not."""
    if isinstance(value, datetime):
        return value.tzinfo is None
    if value is None or _DATE_ONLY.match(value.strip()):
        return False
    try:
        return datetime.fromisoformat(value.strip()).tzinfo is None
    except ValueError:
        return False


def parse_time(value: str | datetime | None, field_name: str, *, require_zone: bool = False) -> datetime | None:
    """An ISO 8601 time as an aware UTC datetime (``instrumentation.timestamps``); bad: ``InputFileError``."""
    try:
        return timestamps.parse_time(value, field_name, require_zone=require_zone)
    except ValueError as exc:
        raise InputFileError(str(exc)) from exc


class SystemEntry(BaseModel):
    """One AI system of the catalogue."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    name: str = Field(min_length=1)
    kind: Kind = "llm"
    owner: str | None = None
    on_call: str | None = Field(default=None, alias="on-call")
    agent: bool | None = None  # None: an agent system when it emits invoke_agent spans


class Attestation(BaseModel):
    """A person's statement that a criterion holds (or does not apply), valid from ``at`` until ``expires``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    criterion: str = Field(min_length=1)
    by: str = Field(min_length=1)
    at: datetime
    expires: datetime
    evidence: str | None = None
    system: str | None = None
    not_applicable: str | None = Field(default=None, min_length=1)  # the reason it does not apply

    @field_validator("at", "expires", mode="before")
    @classmethod
    def _utc(cls, value: Any) -> Any:
        if isinstance(value, date) and not isinstance(value, datetime):
            value = datetime(value.year, value.month, value.day)
        if isinstance(value, datetime) and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value

    def valid_at(self, moment: datetime) -> bool:
        return self.at <= moment < self.expires


class _SystemsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    systems: list[SystemEntry] = []


class _AttestationsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    attestations: list[Attestation] = []


def _read(path: Path) -> tuple[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
        return text, yaml.safe_load(text) or {}
    except OSError as exc:
        raise InputFileError(f"{path}: cannot read: {exc}") from exc
    except yaml.YAMLError as exc:
        raise InputFileError(f"{path}: not valid YAML: {exc}") from exc


def _line(text: str, location: tuple[int | str, ...]) -> int | None:
    """The 1-based line of the YAML node at ``location`` (as far as it exists), or None."""
    node: Any = yaml.compose(text)
    line = None if node is None else node.start_mark.line + 1
    for part in location:
        if isinstance(node, yaml.MappingNode):
            node = next((value for key, value in node.value if key.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            node = None
        if node is None:
            break
        line = node.start_mark.line + 1
    return line


def _where(path: Path, text: str, exc: ValidationError) -> str:
    first = exc.errors()[0]
    location = tuple(first["loc"])
    field = ".".join(str(part) for part in location) or "the top level"
    line = _line(text, location)
    return f"{path}{'' if line is None else f':{line}'}: {field}: {first['msg']}"


def load_catalogue(path: str | Path | None) -> list[SystemEntry]:
    """The systems in ``path``; an absent file is an empty catalogue."""
    if path is None or not Path(path).is_file():
        return []
    path = Path(path)
    text, data = _read(path)
    try:
        parsed = _SystemsFile.model_validate(data)
    except ValidationError as exc:
        raise InputFileError(
            _where(path, text, exc) + " (expected systems: [{name, kind: llm|classical, owner, on-call, agent}])"
        ) from exc
    names = [entry.name for entry in parsed.systems]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise InputFileError(f"{path}: systems listed twice: {', '.join(duplicates)}")
    return parsed.systems


def load_attestations(path: str | Path | None) -> list[Attestation]:
    """The attestations in ``path``; an absent file means nothing is attested."""
    if path is None or not Path(path).is_file():
        return []
    path = Path(path)
    text, data = _read(path)
    try:
        return _AttestationsFile.model_validate(data).attestations
    except ValidationError as exc:
        raise InputFileError(
            _where(path, text, exc) + " (expected attestations: [{criterion, by, at, expires}])"
        ) from exc
