"""The one exception family of the project; every package's errors derive from HarnessError."""

from __future__ import annotations


class HarnessError(Exception):
    """Base of every error this project raises on purpose."""


class ConfigError(HarnessError):
    """A setting, config file or price book is wrong; the message names where."""


class TelemetryError(HarnessError):
    """Raised for internal telemetry failures only when internal errors are set to raise (tests)."""
