"""Anthropic ``POST /v1/messages``: parse, and render plain or as the SDK's SSE event sequence."""

from __future__ import annotations

import json
from typing import Any

from harness.model_server._engine import Conversation, Message, Parsed, Reply, ToolCall
from harness.model_server._http import Dialect, RequestError, sse
from harness.model_server._parse import bounded_all, optional, required, text_of
from harness.model_server._tokens import Usage, chunk_text

ENDPOINT = "messages"
DIALECT: Dialect = "anthropic"
ID_PREFIX = "msg_"
CALL_PREFIX = "toolu_"
BOUNDS: dict[str, tuple[type | tuple[type, ...], float, float]] = {
    "max_tokens": (int, 1, 10_000_000),
    "temperature": ((int, float), 0, 1),
    "top_p": ((int, float), 0, 1),
    "top_k": (int, 0, 1_000_000),
}
SPEEDS = ("standard", "fast")  # the speed modes a request can ask for (fast mode costs more)


def _blocks(content: Any, where: str) -> list[dict[str, Any]]:
    if isinstance(content, str):
        return [{"type": "text", "text": content}]
    if not isinstance(content, list) or not all(isinstance(block, dict) for block in content):
        raise RequestError(f"{where}: Input should be a string or a list of content blocks.", where)
    return content


def _messages(raw: Any, index: int, names: dict[str, str]) -> list[Message]:
    where = f"messages.{index}."
    if not isinstance(raw, dict):
        raise RequestError(f"messages.{index}: Input should be an object.", f"messages.{index}")
    role = required(raw, "role", str, where)
    if role not in ("user", "assistant"):
        raise RequestError(f"{where}role: Input should be 'user' or 'assistant'.", where + "role")
    blocks = _blocks(required(raw, "content", (str, list), where), where + "content")
    calls = tuple(
        ToolCall(b.get("id", ""), b.get("name", ""), b.get("input") or {})
        for b in blocks
        if b.get("type") == "tool_use"
    )
    names.update({call.id: call.name for call in calls})
    results = [
        Message("tool", text_of(b.get("content"), where + "content"), tool_name=names.get(b.get("tool_use_id", "")))
        for b in blocks
        if b.get("type") == "tool_result"
    ]
    text = "".join(b["text"] for b in blocks if b.get("type") == "text" and isinstance(b.get("text"), str))
    if role == "assistant":
        return [Message("assistant", text, tool_calls=calls)]
    return results + ([Message("user", text)] if text or not results else [])


def parse(body: dict[str, Any]) -> Parsed:
    model = required(body, "model", str)
    limit = required(body, "max_tokens", int)
    bounded_all(body, BOUNDS)
    raw_messages = required(body, "messages", list)
    if not raw_messages:
        raise RequestError("messages: at least one message is required.", "messages")
    system = optional(body, "system", (str, list), "")
    names: dict[str, str] = {}
    messages = [Message("system", text_of(system, "system"))] if system else []
    for index, raw in enumerate(raw_messages):
        messages += _messages(raw, index, names)
    tools = optional(body, "tools", list, [])
    if not all(isinstance(tool, dict) and isinstance(tool.get("name"), str) for tool in tools):
        raise RequestError("tools: each tool needs a string 'name'.", "tools")
    stream = optional(body, "stream", bool, False)
    offered = frozenset(t["name"] for t in tools)
    speed = optional(body, "speed", str, None)
    if speed not in (None, *SPEEDS):
        raise RequestError(f"speed: Input should be {' or '.join(map(repr, SPEEDS))}", "speed")
    conversation = Conversation(model, tuple(messages), offered, max_output_tokens=limit)
    return Parsed(conversation, stream=stream, echo={"speed": speed})


def usage_json(usage: Usage, speed: str | None = None) -> dict[str, Any]:
    """Anthropic usage: net ``input_tokens`` with the cache reads and writes beside it, not inside; the speed mode
    the request asked for (fast mode), when it asked."""
    body: dict[str, Any] = {
        "input_tokens": usage.input - usage.cache_read - usage.cache_write,
        "output_tokens": usage.output,
        "cache_read_input_tokens": usage.cache_read,
        "cache_creation_input_tokens": usage.cache_write,
    }
    if usage.reasoning:
        body["output_tokens_details"] = {"thinking_tokens": usage.reasoning}
    if speed is not None:
        body["speed"] = speed
    return body


def _stop_reason(reply: Reply) -> str:
    if reply.tool_calls:
        return "tool_use"
    return "max_tokens" if reply.truncated else "end_turn"


def _content(reply: Reply) -> list[dict[str, Any]]:
    content: list[dict[str, Any]] = [{"type": "text", "text": reply.text}] if reply.text else []
    content += [{"type": "tool_use", "id": c.id, "name": c.name, "input": c.arguments} for c in reply.tool_calls]
    return content


def _message(reply: Reply, response_id: str, content: list[dict[str, Any]], usage: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": response_id,
        "type": "message",
        "role": "assistant",
        "model": reply.model,
        "content": content,
        "stop_reason": _stop_reason(reply),
        "stop_sequence": None,
        "usage": usage,
    }


def render(reply: Reply, response_id: str, parsed: Parsed) -> dict[str, Any]:
    return _message(reply, response_id, _content(reply), usage_json(reply.usage, parsed.echo.get("speed")))


def _block_frames(index: int, block: dict[str, Any]) -> list[bytes]:
    if block["type"] == "text":
        start = {**block, "text": ""}
        deltas = [{"type": "text_delta", "text": piece} for piece in chunk_text(block["text"])]
    else:
        start = {**block, "input": {}}
        deltas = [{"type": "input_json_delta", "partial_json": p} for p in chunk_text(json.dumps(block["input"]))]
    frames = [sse({"type": "content_block_start", "index": index, "content_block": start}, "content_block_start")]
    frames += [sse({"type": "content_block_delta", "index": index, "delta": d}, "content_block_delta") for d in deltas]
    return [*frames, sse({"type": "content_block_stop", "index": index}, "content_block_stop")]


def stream(reply: Reply, response_id: str, parsed: Parsed) -> list[bytes]:
    usage = usage_json(reply.usage, parsed.echo.get("speed"))
    start = _message(reply, response_id, [], {**usage, "output_tokens": 1})
    start["stop_reason"] = None
    frames = [sse({"type": "message_start", "message": start}, "message_start"), sse({"type": "ping"}, "ping")]
    for index, block in enumerate(_content(reply)):
        frames += _block_frames(index, block)
    delta = {"stop_reason": _stop_reason(reply), "stop_sequence": None}
    frames.append(sse({"type": "message_delta", "delta": delta, "usage": usage}, "message_delta"))
    return [*frames, sse({"type": "message_stop"}, "message_stop")]
