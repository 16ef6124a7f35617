"""OpenAI messages as the conventions' parts JSON; built only when content capture is on."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from instrumentation.providers._route import get, listed, text_part, tool_call_part, tool_response_part


def chat_input(messages: Iterable[Any]) -> list[dict[str, Any]]:
    out = []
    for message in listed(messages):
        role = get(message, "role")
        body = get(message, "content")
        parts = [tool_response_part(get(message, "tool_call_id"), body)] if role == "tool" else _content_parts(body)
        out.append({"role": role, "parts": parts + _tool_call_parts(message)})
    return out


def _tool_call_parts(message: Any) -> list[dict[str, Any]]:
    """The tool calls a chat message (request history or response) carries, as parts."""
    parts = []
    for call in listed(get(message, "tool_calls")):
        function = get(call, "function")
        parts.append(tool_call_part(get(call, "id"), get(function, "name"), get(function, "arguments")))
    return parts


def _content_parts(body: Any) -> list[dict[str, Any]]:
    if body is None:
        return []
    if isinstance(body, str) or not isinstance(body, list | tuple):
        return [text_part(body)]  # a string, or a value of the wrong type recorded as it was sent
    parts = []
    for part in body:
        kind = get(part, "type")
        if kind in ("text", "input_text", "output_text"):
            parts.append(text_part(get(part, "text")))
        else:
            parts.append({"type": str(kind)})  # images, audio, files: the kind, not the payload
    return parts


def chat_output(choices: Sequence[Any]) -> list[dict[str, Any]]:
    out = []
    for choice in choices:
        message = get(choice, "message")
        parts = _content_parts(get(message, "content")) + _tool_call_parts(message)
        out.append({"role": "assistant", "parts": parts, "finish_reason": get(choice, "finish_reason")})
    return out


def chat_stream_output(chunks: Sequence[Any], finish: dict[int, str]) -> list[dict[str, Any]]:
    texts: dict[int, list[str]] = {}
    calls: dict[int, dict[int, dict[str, Any]]] = {}
    for chunk in chunks:
        for choice in get(chunk, "choices") or ():
            delta = get(choice, "delta")
            if get(delta, "content"):
                texts.setdefault(choice.index, []).append(delta.content)
            for call in get(delta, "tool_calls") or ():
                _merge_call(calls.setdefault(choice.index, {}), call)
    indexes = sorted(set(texts) | set(calls) | set(finish))
    out = []
    for index in indexes:
        parts = [text_part("".join(texts[index]))] if index in texts else []
        parts += list(calls.get(index, {}).values())
        out.append({"role": "assistant", "parts": parts, "finish_reason": finish.get(index)})
    return out


def _merge_call(calls: dict[int, dict[str, Any]], delta: Any) -> None:
    function = get(delta, "function")
    call = calls.setdefault(get(delta, "index") or 0, tool_call_part(None, None, ""))
    if get(delta, "id"):
        call["id"] = delta.id
    if get(function, "name"):
        call["name"] = function.name
    if get(function, "arguments"):
        call["arguments"] += function.arguments


def responses_input(instructions: Any, items: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if instructions:
        out.append({"role": "system", "parts": [text_part(instructions)]})
    if isinstance(items, str):
        return [*out, {"role": "user", "parts": [text_part(items)]}]
    for item in listed(items):
        kind = get(item, "type")
        if kind == "function_call":
            out.append({"role": "assistant", "parts": [_call_part(item)]})
        elif kind == "function_call_output":
            out.append({"role": "tool", "parts": [tool_response_part(get(item, "call_id"), get(item, "output"))]})
        else:
            out.append({"role": get(item, "role") or "user", "parts": _content_parts(get(item, "content"))})
    return out


def _call_part(item: Any) -> dict[str, Any]:
    return tool_call_part(get(item, "call_id"), get(item, "name"), get(item, "arguments"))


def responses_output(items: Sequence[Any], finish_reasons: list[str] | None) -> list[dict[str, Any]]:
    parts: list[dict[str, Any]] = []
    for item in items:
        kind = get(item, "type")
        if kind == "message":
            parts += _content_parts(get(item, "content"))
        elif kind == "function_call":
            parts.append(_call_part(item))
    reason = finish_reasons[0] if finish_reasons else None
    return [{"role": "assistant", "parts": parts, "finish_reason": reason}]
