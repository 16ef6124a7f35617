"""One frozen settings object, one precedence: argument, environment, pyproject, default."""

from __future__ import annotations

import dataclasses
import math
import os
import sys
import tomllib
from collections.abc import Collection
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from instrumentation.errors import ConfigError

_ENV_PREFIX = "HARNESS_"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the telemetry core can be told. Field names map to ``HARNESS_<NAME>``."""

    service_name: str = "unknown_service"
    service_version: str = ""
    environment: str = ""
    home: Path = Path(".harness")
    exporters: tuple[str, ...] = ("lake",)
    capture_content: bool = False
    #: ask the OpenAI SDK for usage on streamed chat calls (adds a final chunk with empty ``choices``)
    stream_usage: bool = False
    price_book: Path | None = None
    feature_attribute: str = ""  # scoring: the span attribute other instrumentations name features by
    raise_internal_errors: bool = False
    lake_segment_rows: int = 20_000
    lake_flush_seconds: float = 5.0
    lake_health_seconds: float = 60.0
    queue_size: int = 8192
    batch_size: int = 512
    schedule_delay_ms: int = 500
    shutdown_timeout_ms: int = 5000
    otlp_signals: tuple[str, ...] = ("traces", "metrics")
    retention_days: int = 183  # how far back telemetry must reach without a gap (EU AI Act Art. 19, 26(6): six months)

    @property
    def lake_dir(self) -> Path:
        return self.home / "lake"


_EXPORTER_CHOICES = {"lake", "otlp", "otlp-http", "otlp-grpc", "console", "none"}
_SIGNALS = ("traces", "metrics", "none")
# the standard variables that can switch a signal's OTLP export off (HARNESS_EXPORTERS switches OTLP on)
_OTEL_SIGNAL_VARIABLES = {"traces": "OTEL_TRACES_EXPORTER", "metrics": "OTEL_METRICS_EXPORTER"}


def load_settings(overrides: dict[str, Any] | None = None, *, cwd: Path | None = None) -> Settings:
    """Resolve every field: explicit argument, then environment, then ``[tool.harness]``, then default."""
    overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
    pyproject = _pyproject_table(cwd or Path.cwd())
    values: dict[str, Any] = {}
    origins: dict[str, str] = {}
    for field in fields(Settings):
        env_name = _ENV_PREFIX + field.name.upper()
        if field.name in overrides:
            raw, origin = overrides[field.name], f"argument {field.name}"
        elif env_name in os.environ:
            raw, origin = os.environ[env_name], f"environment variable {env_name}"
        elif field.name in pyproject:
            raw, origin = pyproject[field.name], f"[tool.harness] {field.name} in pyproject.toml"
        else:
            continue
        values[field.name] = _coerce(field, raw, origin)
        origins[field.name] = origin
    if "raise_internal_errors" not in values:
        values["raise_internal_errors"] = "PYTEST_CURRENT_TEST" in os.environ or "pytest" in sys.modules
    if "service_name" not in values and os.environ.get("OTEL_SERVICE_NAME"):
        values["service_name"] = os.environ["OTEL_SERVICE_NAME"]
    if "otlp_signals" not in values:
        values["otlp_signals"] = _signals_from_otel_variables()
    settings = Settings(**values)
    if settings.batch_size > settings.queue_size:
        if "batch_size" not in origins:  # the default batch: no larger than the queue the user chose
            return dataclasses.replace(settings, batch_size=settings.queue_size)
        batch, queue = (
            f"{origins.get(n, 'the default')} = {getattr(settings, n)}" for n in ("batch_size", "queue_size")
        )
        raise ConfigError(f"{batch} is larger than {queue}: a batch is taken from the queue")
    return settings


def _signals_from_otel_variables() -> tuple[str, ...]:
    """``OTEL_TRACES_EXPORTER`` / ``OTEL_METRICS_EXPORTER``: a signal whose variable is set without ``otlp``
    (``none``, ``console`` ...) is not sent over OTLP."""
    kept = []
    for signal, variable in _OTEL_SIGNAL_VARIABLES.items():
        raw = os.environ.get(variable)
        if raw is None or "otlp" in {part.strip().lower() for part in raw.split(",")}:
            kept.append(signal)
    return tuple(kept)


def _pyproject_table(start: Path) -> dict[str, Any]:
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            try:
                data = tomllib.loads(candidate.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
                raise ConfigError(f"{candidate}: cannot read [tool.harness]: {exc}") from exc
            tool = data.get("tool", {})
            table = tool.get("harness", {}) if isinstance(tool, dict) else None
            if not isinstance(table, dict):
                raise ConfigError(f"{candidate}: [tool.harness] must be a table")
            return {k.replace("-", "_"): v for k, v in table.items()}
    return {}


def _coerce(field: dataclasses.Field[Any], raw: Any, origin: str) -> Any:
    kind = str(field.type)
    try:
        if kind == "bool":
            return _as_bool(raw)
        if kind == "int":
            return _positive(_as_int(raw))
        if kind == "float":
            return _positive(_as_float(raw))
        if kind == "Path":
            return Path(raw)
        if kind == "Path | None":
            return Path(raw) if raw else None
        if field.name == "otlp_signals":
            return _as_choices(raw, _SIGNALS, "signal")
        if kind == "tuple[str, ...]":
            return _as_choices(raw, _EXPORTER_CHOICES, "exporter")
        return str(raw)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{origin}: {exc}") from exc


def _as_int(raw: Any) -> int:
    if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()):
        raise ValueError(f"expected a whole number, got {raw!r}")
    return int(raw)


def _as_float(raw: Any) -> float:
    if isinstance(raw, bool):
        raise ValueError(f"expected a number, got {raw!r}")
    return float(raw)


def _positive(value: int | float) -> Any:
    """Every number the settings hold is a size, a count or an interval: finite and above zero."""
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"expected a number above 0, got {value!r}")
    return value


def _as_bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"expected true or false, got {raw!r}")


def _as_choices(raw: Any, choices: Collection[str], what: str) -> tuple[str, ...]:
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    names = tuple(str(item).strip().lower() for item in items if str(item).strip())
    unknown = sorted(set(names) - set(choices))
    if unknown:
        raise ValueError(f"unknown {what}(s) {unknown}; choose from {sorted(choices)}")
    return names
