"""Type checks for request bodies: each raises ``RequestError`` naming the offending field."""

from __future__ import annotations

import json
from typing import Any

from harness.model_server._http import RequestError


def body_object(value: Any) -> dict[str, Any]:
    """The parsed JSON body, which must be an object."""
    if not isinstance(value, dict):
        raise RequestError("The request body must be a JSON object.")
    return value


def required(body: dict[str, Any], name: str, kind: type | tuple[type, ...], where: str = "") -> Any:
    if name not in body or body[name] is None:
        raise RequestError(f"Missing required parameter: '{where}{name}'.", param=where + name)
    return typed(body, name, kind, where)


def optional(body: dict[str, Any], name: str, kind: type | tuple[type, ...], default: Any, where: str = "") -> Any:
    if body.get(name) is None:
        return default
    return typed(body, name, kind, where)


SERVICE_TIERS = ("auto", "default", "flex", "scale", "priority", "fast")
_SERVED_AS = {"auto": "default", "fast": "priority"}  # as OpenAI answers them


def served_tier(body: dict[str, Any]) -> str:
    """The service tier that serves an OpenAI request: the one it asks for, ``default`` for ``auto`` or none,
    ``priority`` for ``fast``."""
    tier = optional(body, "service_tier", str, "auto")
    if tier not in SERVICE_TIERS:
        raise RequestError(
            f"Invalid value for 'service_tier': '{tier}' is not one of {', '.join(SERVICE_TIERS)}.", "service_tier"
        )
    return _SERVED_AS.get(tier, str(tier))


def bounded(
    body: dict[str, Any], name: str, kind: type | tuple[type, ...], low: float, high: float, where: str = ""
) -> Any:
    """An optional number that must lie in ``[low, high]`` (None when absent)."""
    value = optional(body, name, kind, None, where)
    if value is not None and not low <= value <= high:
        side = (
            f"below minimum value. Expected a value >= {low:g}"
            if value < low
            else f"above maximum value. Expected a value <= {high:g}"
        )
        raise RequestError(
            f"Invalid '{where}{name}': {_NAMES.get(type(value), 'number')} {side}, but got {value} instead.",
            param=where + name,
        )
    return value


def bounded_all(body: dict[str, Any], bounds: dict[str, tuple[type | tuple[type, ...], float, float]]) -> None:
    """Check every parameter of ``bounds`` (name -> kind, low, high) that the body sets."""
    for name, (kind, low, high) in bounds.items():
        bounded(body, name, kind, low, high)


def typed(body: dict[str, Any], name: str, kind: type | tuple[type, ...], where: str = "") -> Any:
    value = body[name]
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
        expected = " or ".join(_NAMES.get(k, k.__name__) for k in kinds)
        raise RequestError(
            f"Invalid type for '{where}{name}': expected {expected}, but got {_NAMES.get(type(value), 'a value')}.",
            param=where + name,
        )
    return value


def arguments_object(text: Any, where: str) -> dict[str, Any]:
    """Tool-call arguments sent back as a JSON string; anything that is not an object is kept under ``raw``."""
    if text is not None and not isinstance(text, str):
        raise RequestError(f"Invalid type for '{where}': expected a string of JSON.", where)
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {"raw": text}
    return value if isinstance(value, dict) else {"raw": value}


def text_of(content: Any, where: str) -> str:
    """The text of a message content: a string, or the ``text`` of each part of a list (other parts ignored)."""
    if content is None or isinstance(content, str):
        return content or ""
    if not isinstance(content, list):
        raise RequestError(f"Invalid type for '{where}': expected a string or an array of content parts.", where)
    texts = []
    for index, part in enumerate(content):
        if not isinstance(part, dict):
            raise RequestError(f"Invalid type for '{where}[{index}]': expected an object.", f"{where}[{index}]")
        if isinstance(part.get("text"), str):
            texts.append(part["text"])
        elif part.get("type") in ("tool_result", "function_call_output"):
            texts.append(text_of(part.get("content"), f"{where}[{index}].content"))
    return "".join(texts)


_NAMES: dict[type, str] = {
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "a boolean",
    list: "an array",
    dict: "an object",
}
