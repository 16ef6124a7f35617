"""The SDK versions the wrappers support: declared once, as the ``openai`` / ``anthropic`` extras in
``pyproject.toml``, read back from this distribution's metadata and checked at ``instrument_*``.

Outside the range the wrappers still wrap (telemetry fails open), after one warning per SDK version
that names the range; CI runs the wrapper tests on the oldest and the newest release of each range.
"""

from __future__ import annotations

import functools
import importlib.metadata
import logging
import operator
import re
from collections.abc import Callable

DISTRIBUTION = "llm-harness"

_log = logging.getLogger("instrumentation")
_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9._-]+)\s*(?:\[[^\]]*\])?\s*([^;]*?)\s*(?:;(.*))?$")
_EXTRA = re.compile(r"""extra\s*==\s*['"]([^'"]+)['"]""")
_SPECIFIER = re.compile(r"^\s*(>=|<=|==|!=|>|<)\s*([0-9][0-9A-Za-z.+-]*)\s*$")
_OPERATORS: dict[str, Callable[[tuple[int, ...], tuple[int, ...]], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    "==": operator.eq,
    "!=": operator.ne,
    ">": operator.gt,
    "<": operator.lt,
}
_warned: set[tuple[str, str]] = set()


def release(version: str) -> tuple[int, ...]:
    """The release numbers of a version (``3.57.0rc1`` -> ``(3, 57, 0)``), padded so ``3`` equals ``3.0.0``."""
    numbers = []
    for part in version.split("."):
        digits = re.match(r"\d+", part)
        if digits is None:
            break
        numbers.append(int(digits.group()))
        if digits.end() != len(part):  # a pre-release or local suffix ends the release numbers
            break
    return (*numbers, *([0] * (3 - len(numbers))))


@functools.cache
def supported_range(sdk: str) -> str | None:
    """The specifier the ``sdk`` extra declares (for example ``>=2.0,<4``), or None without our metadata."""
    try:
        requirements = importlib.metadata.requires(DISTRIBUTION) or []
    except importlib.metadata.PackageNotFoundError:  # a copy of the source that is not installed
        return None
    for line in requirements:
        match = _REQUIREMENT.match(line)
        if match is None or match.group(1).lower() != sdk:
            continue
        extra = _EXTRA.search(match.group(3) or "")
        if extra is not None and extra.group(1) == sdk:
            return match.group(2).replace(" ", "") or None
    return None


def in_range(version: str, specifier: str) -> bool:
    """Whether ``version`` meets every clause of ``specifier`` (``>=2.0,<4``), compared by release numbers."""
    have = release(version)
    for clause in specifier.split(","):
        match = _SPECIFIER.match(clause)
        if match is None:
            continue  # a clause we cannot read does not refuse the SDK
        if not _OPERATORS[match.group(1)](have, release(match.group(2))):
            return False
    return True


def check_version(sdk: str, version: str) -> bool:
    """True when ``version`` is supported (or nothing is declared); else warn once for it and return False."""
    specifier = supported_range(sdk)
    if specifier is None or in_range(version, specifier):
        return True
    if (sdk, version) not in _warned:
        _warned.add((sdk, version))
        _log.warning(
            "%s %s is outside the versions the harness wrappers support (%s%s): instrumenting anyway, "
            "but telemetry may be incomplete; install a supported %s, or report the version",
            sdk,
            version,
            sdk,
            specifier,
            sdk,
        )
    return False
