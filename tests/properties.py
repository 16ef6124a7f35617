"""Hypothesis strategies shared by the property-based tests: JSON values, TOML documents, YAML texts.

The profile (``tests/conftest.py``) derandomises every run and keeps no example database, so a run is
reproducible and leaves nothing behind.
"""

from __future__ import annotations

import datetime
import json
import math
from typing import Any

from hypothesis import strategies as st

_KEYS = st.text(min_size=1, max_size=12)


def json_values(max_leaves: int = 30) -> st.SearchStrategy[Any]:
    """Any JSON value: null, booleans, numbers (huge, negative, fractional), strings, arrays, objects."""
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**63), max_value=2**63),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=30),
    )
    return st.recursive(
        scalars,
        lambda inner: st.one_of(st.lists(inner, max_size=5), st.dictionaries(_KEYS, inner, max_size=5)),
        max_leaves=max_leaves,
    )


def toml_values() -> st.SearchStrategy[Any]:
    """Values TOML can hold: every scalar kind (infinite and NaN floats and dates included), arrays, tables."""
    scalars = st.one_of(
        st.booleans(),
        st.integers(min_value=-(2**63), max_value=2**63 - 1),
        st.floats(),
        st.text(max_size=20),
        st.dates(),
        st.datetimes(timezones=st.just(datetime.UTC)),
    )
    return st.recursive(
        scalars,
        lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_KEYS, inner, max_size=4)),
        max_leaves=12,
    )


def toml_document(table: dict[str, Any]) -> bytes:
    """``table`` as a TOML document (inline tables throughout, so any nesting is expressible)."""
    return "\n".join(f"{_key(k)} = {_toml(v)}" for k, v in table.items()).encode()


def _key(key: str) -> str:
    return json.dumps(key)


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return "{" + ", ".join(f"{_key(k)} = {_toml(v)}" for k, v in value.items()) + "}"
