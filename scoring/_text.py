"""Numbers as the table and Markdown show them: 4 significant digits, and an em dash for absent."""

from __future__ import annotations

from typing import Any


def number(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def pair(first: str, a: Any, second: str, b: Any) -> str:
    return f"{first} {number(a)}, {second} {number(b)}"


def counted(label: str, count: int | None) -> str:
    """`` (3 unresolved)`` beside a figure, or nothing when none were left out."""
    return "" if not count else f" ({count} {label})"
