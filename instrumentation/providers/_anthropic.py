"""Anthropic extraction: Messages (plain, streamed and the ``messages.stream()`` helper) into ``LLMInvocation``.

Anthropic reports *net* ``input_tokens`` (the uncached remainder) with ``cache_read_input_tokens`` and
``cache_creation_input_tokens`` beside it; the record takes the conventions' gross input (their sum).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from instrumentation import semconv
from instrumentation._records import LLMInvocation
from instrumentation.providers._route import (
    Route,
    get,
    listed,
    set_params,
    text_part,
    tool_call_part,
    tool_response_part,
)

_PARAMS = {
    "temperature": semconv.GEN_AI_REQUEST_TEMPERATURE,
    "top_p": semconv.GEN_AI_REQUEST_TOP_P,
    "top_k": semconv.GEN_AI_REQUEST_TOP_K,
    "max_tokens": semconv.GEN_AI_REQUEST_MAX_TOKENS,
    "stop_sequences": semconv.GEN_AI_REQUEST_STOP_SEQUENCES,
}


def record_usage(inv: LLMInvocation, usage: Any, output_tokens: int | None = None) -> None:
    """Normalise Anthropic usage: gross input = net input + cache read + cache creation."""
    cache_read = get(usage, "cache_read_input_tokens") or 0
    cache_write = get(usage, "cache_creation_input_tokens") or 0
    net_input = get(usage, "input_tokens") or 0
    speed = get(usage, "speed")
    if isinstance(speed, str) and speed:
        inv.speed = speed
    inv.record_usage(
        input_tokens=net_input + cache_read + cache_write,
        output_tokens=get(usage, "output_tokens") if output_tokens is None else output_tokens,
        cache_read_tokens=cache_read,
        cache_write_tokens=cache_write,
    )


class Messages:
    operation = semconv.OP_CHAT
    stream_usage_opt_in = False

    def request(self, inv: LLMInvocation, body: Mapping[str, Any], capture: bool) -> None:
        set_params(inv, body, _PARAMS)
        speed = body.get("speed")
        if isinstance(speed, str):
            inv.speed = speed  # until the response's usage says which speed served it
        if capture:
            inv.input_messages = _input(body.get("system"), body.get("messages") or ())

    def response(self, inv: LLMInvocation, result: Any, capture: bool) -> None:
        reason = get(result, "stop_reason")
        inv.set_response(model=get(result, "model"), id=get(result, "id"), finish_reasons=[reason] if reason else None)
        blocks = get(result, "content") or ()
        for block in blocks:
            if get(block, "type") == "tool_use":
                inv.tool_calls.append((get(block, "name") or "", get(block, "id") or ""))
        usage = get(result, "usage")
        if usage is not None:
            record_usage(inv, usage)
        if capture:
            inv.output_messages = [{"role": "assistant", "parts": _parts(blocks), "finish_reason": reason}]

    def keep(self, event: Any) -> bool:
        return bool(event.type != "content_block_delta")

    def stream(self, inv: LLMInvocation, chunks: Sequence[Any], capture: bool) -> bool:
        usage: Any = None
        delta_usage: Any = None
        reason = None
        complete = False
        for event in chunks:
            kind = event.type
            if kind == "content_block_delta":
                continue
            if kind == "message_start":
                message = event.message
                inv.set_response(model=message.model, id=message.id)
                usage = message.usage
            elif kind == "content_block_start" and get(event.content_block, "type") == "tool_use":
                inv.tool_calls.append((event.content_block.name, event.content_block.id))
            elif kind == "message_delta":
                reason = get(event.delta, "stop_reason") or reason
                delta_usage = event.usage
            elif kind == "message_stop":
                complete = True
        if reason:
            inv.finish_reasons = [reason]
        if usage is not None or delta_usage is not None:
            _record_stream_usage(inv, usage, delta_usage)
        if capture:
            inv.output_messages = [{"role": "assistant", "parts": _stream_parts(chunks), "finish_reason": reason}]
        return complete


def _record_stream_usage(inv: LLMInvocation, start: Any, delta: Any) -> None:
    """``message_delta`` usage is cumulative: its counts, where present, replace ``message_start``'s."""
    merged = {
        key: (get(delta, key) if get(delta, key) is not None else get(start, key))
        for key in ("input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens", "speed")
    }
    record_usage(inv, merged)


def _input(system: Any, messages: Iterable[Any]) -> list[dict[str, Any]]:
    out = []
    if system:
        out.append({"role": "system", "parts": _parts(system)})
    for message in listed(messages):
        out.append({"role": get(message, "role"), "parts": _parts(get(message, "content"))})
    return out


def _parts(blocks: Any) -> list[dict[str, Any]]:
    if isinstance(blocks, str) or not isinstance(blocks, list | tuple):
        return [] if blocks is None else [text_part(blocks)]  # a value of the wrong type: as it was sent
    parts = []
    for block in blocks:
        kind = get(block, "type")
        if kind == "text":
            parts.append(text_part(get(block, "text")))
        elif kind == "tool_use":
            parts.append(tool_call_part(get(block, "id"), get(block, "name"), get(block, "input")))
        elif kind == "tool_result":
            parts.append(tool_response_part(get(block, "tool_use_id"), get(block, "content")))
        elif kind == "thinking":
            parts.append({"type": "reasoning", "content": get(block, "thinking")})
        else:
            parts.append({"type": str(kind)})
    return parts


def _stream_parts(chunks: Sequence[Any]) -> list[dict[str, Any]]:
    blocks: dict[int, dict[str, Any]] = {}
    for event in chunks:
        kind = get(event, "type")
        if kind == "content_block_start":
            block = event.content_block
            if get(block, "type") == "tool_use":
                blocks[event.index] = tool_call_part(block.id, block.name, "")
            else:
                blocks[event.index] = text_part("")
        elif kind == "content_block_delta" and event.index in blocks:
            delta = event.delta
            part = blocks[event.index]
            if get(delta, "type") == "text_delta" and part["type"] == "text":
                part["content"] += delta.text
            elif get(delta, "type") == "input_json_delta" and part["type"] == "tool_call":
                part["arguments"] += delta.partial_json
    return [blocks[index] for index in sorted(blocks)]


_MESSAGES = Messages()


def route(url: str) -> Route | None:
    """The extraction for an Anthropic request path (``/v1/messages``, also the beta form), else None."""
    path = url.partition("?")[0]
    return _MESSAGES if path == "/v1/messages" else None
