"""Scenario files: per-model settings, faults and the reply rules, validated with pydantic.

See the package docstring for the file format. ``load_scenario`` accepts a path, a mapping, a
``Scenario`` or ``None`` (the shipped default), and resolves ``extends: default``.
"""

from __future__ import annotations

import fnmatch
import functools
import re
import string
import warnings
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from instrumentation.errors import ConfigError

Endpoint = Literal["chat.completions", "responses", "embeddings", "messages"]
FaultKind = Literal["rate_limit", "server_error", "timeout", "cut_stream", "malformed_json"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ModelSettings(_Strict):
    """Latency and usage for the models whose name matches the glob ``match`` (first match wins)."""

    match: str = "*"
    response_model: str | None = None
    first_chunk_ms: float = Field(default=0.0, ge=0)
    chunk_gap_ms: float = Field(default=0.0, ge=0)
    cache_read_tokens: int = Field(default=0, ge=0)
    cache_write_tokens: int = Field(default=0, ge=0)
    reasoning_tokens: int = Field(default=0, ge=0)


class Fault(_Strict):
    """A failure injected into matching requests: all of them, the first N (``first``), or every Nth (``every``)."""

    match: str = "*"
    kind: FaultKind
    endpoints: tuple[Endpoint, ...] = ()
    first: int | None = Field(default=None, ge=1)
    every: int | None = Field(default=None, ge=1)
    status: int = Field(default=500, ge=500, le=599)
    retry_after: float = Field(default=0.05, ge=0)
    sleep: float = Field(default=30.0, ge=0)
    after_chunks: int = Field(default=2, ge=0)

    def applies_to(self, model: str, endpoint: str) -> bool:
        return fnmatch.fnmatchcase(model, self.match) and (not self.endpoints or endpoint in self.endpoints)

    def fails(self, nth: int) -> bool:
        """Whether the ``nth`` (1-based) matching request fails."""
        if self.first is None and self.every is None:
            return True
        return (self.first is not None and nth <= self.first) or (self.every is not None and nth % self.every == 0)


class ToolCallSpec(_Strict):
    name: str
    arguments: dict[str, Any] = Field(default_factory=dict)


class Rule(_Strict):
    """When the conversation's last message fits, reply with a tool call (``call``) or a final ``answer``."""

    name: str = ""
    model: str = "*"
    last: Literal["user", "tool"] = "user"
    tool: str | None = None
    contains: tuple[str, ...] = ()
    pattern: str | None = None
    call: ToolCallSpec | None = None
    answer: str | None = None

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                with warnings.catch_warnings():  # "possible nested set" and the like: the pattern's own business
                    warnings.simplefilter("ignore", FutureWarning)
                    re.compile(value)
            except re.error as exc:
                raise ValueError(f"not a valid regular expression: {exc}") from exc
        return value

    @model_validator(mode="after")
    def _one_outcome(self) -> Rule:
        if (self.call is None) == (self.answer is None):
            raise ValueError("a rule needs exactly one of `call` (a tool call) or `answer` (a final answer)")
        for template in _strings(self.answer if self.call is None else self.call.arguments):
            try:
                _check_widths(template)
                template.format_map(Variables())
            except (ValueError, IndexError, KeyError, AttributeError) as exc:
                raise ValueError(f"bad template {template!r} ({exc}); write literal braces as {{{{ and }}}}") from exc
        return self


_MAX_WIDTH = 1000


def _check_widths(template: str) -> None:
    """A format width or precision past ``_MAX_WIDTH`` would make every answer a huge string."""
    for _, field, spec, _ in string.Formatter().parse(template):
        if field is not None and spec and any(int(n) > _MAX_WIDTH for n in re.findall(r"\d+", spec)):
            raise ValueError(f"format width or precision above {_MAX_WIDTH} in {{{field}:{spec}}}")


class Variables(dict[str, str]):
    """Template variables for ``answer`` and ``call`` arguments: an unknown variable is empty."""

    def __missing__(self, key: str) -> str:
        return ""


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


class Scenario(_Strict):
    """Everything that decides the server's behaviour; ``extends: default`` appends the shipped default."""

    extends: Literal["default", "none"] = "default"
    models: tuple[ModelSettings, ...] = ()
    faults: tuple[Fault, ...] = ()
    rules: tuple[Rule, ...] = ()

    def settings_for(self, model: str) -> ModelSettings:
        return next((s for s in self.models if fnmatch.fnmatchcase(model, s.match)), _NO_SETTINGS)


_NO_SETTINGS = ModelSettings()

ScenarioSource = Scenario | Mapping[str, Any] | str | Path | None


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: fast, and it bounds nesting itself
_MAX_NODES = 100_000
_MAX_DEPTH = 64


def _validate(data: Any, where: str) -> Scenario:
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise ConfigError(f"{where}: a scenario must be a mapping with models/faults/rules, got {type(data).__name__}")
    _check_size(data, where)
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or '(top)'}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"{where}: invalid scenario: {problems}") from exc


def _check_size(data: Any, where: str) -> None:
    """Refuse a document past ``_MAX_NODES`` values (counting each alias use) or ``_MAX_DEPTH`` levels: YAML
    aliases can make a short file expand without end, or refer to itself."""
    stack, seen = [(data, 1)], 0
    while stack:
        node, depth = stack.pop()
        seen += 1
        if seen > _MAX_NODES or depth > _MAX_DEPTH:
            raise ConfigError(f"{where}: the scenario is too large or nested too deeply (aliases expanded)")
        if isinstance(node, Mapping):
            stack.extend((child, depth + 1) for pair in node.items() for child in pair)
        elif isinstance(node, list | tuple):
            stack.extend((child, depth + 1) for child in node)


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the scenario file: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text: {exc}") from exc
    except RecursionError:
        raise ConfigError(f"{path}: the YAML is nested too deeply") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc


@functools.cache
def default_scenario() -> Scenario:
    """The shipped scenario: drives the reference support agent and names the ``fault-*`` models."""
    text = resources.files("harness.model_server").joinpath("data").joinpath("default_scenario.yaml").read_text()
    return _validate(yaml.safe_load(text), "default_scenario.yaml")


def load_scenario(source: ScenarioSource = None) -> Scenario:
    """A resolved scenario (its own entries first, then the default's when it extends the default)."""
    if source is None:
        return default_scenario()
    if isinstance(source, Scenario):
        scenario = source
    elif isinstance(source, Mapping):
        scenario = _validate(source, "scenario")
    else:
        scenario = _validate(_read_yaml(Path(source)), str(source))
    if scenario.extends == "none":
        return scenario
    base = default_scenario()
    return Scenario(
        extends="none",
        models=scenario.models + base.models,
        faults=scenario.faults + base.faults,
        rules=scenario.rules + base.rules,
    )
