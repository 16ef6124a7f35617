"""Scoring's inputs besides telemetry: the systems catalogue, the attestation file, and times.

``systems.yaml`` names each AI system, its kind (llm or classical), owner and on-call rotation;
``attestations.yaml`` records human statements (risk assessment done, runbook exists) with who,
when and an expiry. Both default to files in HARNESS_HOME.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from instrumentation.errors import HarnessError

SYSTEMS_FILE = "systems.yaml"
ATTESTATIONS_FILE = "attestations.yaml"


class InputFileError(HarnessError):
    """A catalogue, attestation file or time given to scoring is malformed; the message names where."""


def parse_time(value: str | datetime | None, field_name: str) -> datetime | None:
    """An ISO 8601 time as an aware UTC datetime; a naive time is taken as UTC; empty is None."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        parsed = value
    else:
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError as exc:
            raise InputFileError(
                f"{field_name}: {value!r} is not an ISO 8601 time (e.g. 2026-05-01T12:00:00Z)"
            ) from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


class SystemEntry(BaseModel):
    """One AI system of the catalogue."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    name: str = Field(min_length=1)
    kind: Literal["llm", "classical"] = "llm"
    owner: str | None = None
    on_call: str | None = Field(default=None, alias="on-call")


class Attestation(BaseModel):
    """A person's statement that a criterion holds, valid from ``at`` until ``expires``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    criterion: str = Field(min_length=1)
    by: str = Field(min_length=1)
    at: datetime
    expires: datetime
    evidence: str | None = None
    system: str | None = None

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


def _load_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise InputFileError(f"{path}: cannot read: {exc}") from exc
    except yaml.YAMLError as exc:
        raise InputFileError(f"{path}: not valid YAML: {exc}") from exc


def _where(path: Path, exc: ValidationError) -> str:
    first = exc.errors()[0]
    location = ".".join(str(part) for part in first["loc"])
    return f"{path}: {location}: {first['msg']}"


def load_catalogue(path: str | Path | None) -> list[SystemEntry]:
    """The systems in ``path``; an absent file is an empty catalogue."""
    if path is None or not Path(path).is_file():
        return []
    path = Path(path)
    try:
        parsed = _SystemsFile.model_validate(_load_yaml(path))
    except ValidationError as exc:
        raise InputFileError(
            _where(path, exc) + " (expected systems: [{name, kind: llm|classical, owner, on-call}])"
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
    try:
        return _AttestationsFile.model_validate(_load_yaml(path)).attestations
    except ValidationError as exc:
        raise InputFileError(_where(path, exc) + " (expected attestations: [{criterion, by, at, expires}])") from exc
