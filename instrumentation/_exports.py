"""A package's public names, imported on first use (PEP 562).

A package lists where each of its names lives; ``import package`` then costs nothing until a name is read,
so a command that needs two names of a package does not pay for importing all of it (``harness score``
read the OpenTelemetry SDK, the provider wrappers and the lake writer only to get the price book and the
lake's listing: 0.4 s of a warm scorecard).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_attributes(package: str, namespace: dict[str, Any], sources: Mapping[str, str]) -> Callable[[str], Any]:
    """The module ``__getattr__`` of ``package`` (whose globals are ``namespace``): a name of ``sources`` is read
    from its module on first use and kept; anything else is the package's own submodule or an AttributeError."""

    def attribute(name: str) -> Any:
        module = sources.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    return attribute
