"""OTLP ``AnyValue`` and attribute lists as the lake stores them: one string per value, as ``span_to_row`` does.

``attr_string`` of the lake is the rule. Strings, ints, doubles and bools are inlined (a property
test holds them equal to ``attr_string``); arrays go through it; bytes and key-value lists, which
SDK attributes cannot hold, are written as the Collector's ``AsString()`` writes them. Span, event
and link attributes reach ``value_string`` once per distinct blob (``_attributes``); resource
attributes, once per resource, through ``attribute_pairs``.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from typing import Any

from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue

from instrumentation.lake import attr_string


def plain(value: AnyValue) -> Any:
    """The Python value an SDK attribute would hold; bytes as base64 and key-value lists as dicts."""
    kind = value.WhichOneof("value")
    if kind is None:
        return None
    if kind == "array_value":
        return [plain(item) for item in value.array_value.values]
    if kind == "kvlist_value":
        return {kv.key: plain(kv.value) for kv in value.kvlist_value.values}
    if kind == "bytes_value":
        return base64.b64encode(value.bytes_value).decode("ascii")
    return getattr(value, kind)


_CACHE_LIMIT = 4096
_composites: dict[bytes, str] = {}  # arrays like ["stop"] recur in every span; encoding JSON costs microseconds


def _composite_string(value: AnyValue) -> str:
    """Arrays as ``attr_string`` writes them, key-value lists as JSON objects; cached by the value's wire bytes."""
    key = value.SerializeToString()
    text = _composites.get(key)
    if text is None:
        python = plain(value)
        if python is None:
            text = ""
        elif isinstance(python, dict):
            text = json.dumps(python, separators=(",", ":"))
        else:
            text = attr_string(python)
        if len(_composites) >= _CACHE_LIMIT:
            _composites.clear()
        _composites[key] = text
    return text


def value_string(value: AnyValue, kind: str | None = None) -> str:
    """``attr_string`` of the value; a key-value list becomes a JSON object, an empty value ``""``."""
    if kind is None:
        kind = value.WhichOneof("value")
    if kind == "string_value":
        return value.string_value
    if kind == "int_value":
        return str(value.int_value)
    if kind == "double_value":
        return repr(value.double_value)
    if kind == "bool_value":
        return "true" if value.bool_value else "false"
    return _composite_string(value)


def append_attributes(attributes: Iterable[KeyValue], keys: list[str], values: list[str]) -> None:
    """Append keys and string values in order; a key sent twice keeps its first place and its last value.

    Map keys must be unique for DuckDB to read the segment, and SDK attributes always are.
    """
    start = len(keys)
    for kv in attributes:
        value = kv.value
        kind = value.WhichOneof("value")
        keys.append(kv.key)
        values.append(value.string_value if kind == "string_value" else value_string(value, kind))
    count = len(keys) - start
    if count > 1 and len(set(keys[start:])) != count:
        merged = dict(zip(keys[start:], values[start:], strict=True))
        del keys[start:], values[start:]
        keys.extend(merged)
        values.extend(merged.values())


def attribute_pairs(attributes: Iterable[KeyValue]) -> tuple[list[str], list[str]]:
    keys: list[str] = []
    values: list[str] = []
    append_attributes(attributes, keys, values)
    return keys, values
