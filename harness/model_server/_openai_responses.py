"""OpenAI ``POST /v1/responses``: parse input items, and render plain or as the Responses event stream."""

from __future__ import annotations

import json
from typing import Any

from harness.model_server._engine import Conversation, Message, Parsed, Reply, ToolCall
from harness.model_server._http import Dialect, RequestError, sse
from harness.model_server._openai_chat import CREATED, tool_names
from harness.model_server._parse import arguments_object, bounded_all, optional, required, served_tier, text_of
from harness.model_server._tokens import Usage, chunk_text

ENDPOINT = "responses"
DIALECT: Dialect = "openai"
ID_PREFIX = "resp_"
CALL_PREFIX = "call_"
_ROLES = {"system": "system", "developer": "system", "user": "user", "assistant": "assistant"}
BOUNDS: dict[str, tuple[type | tuple[type, ...], float, float]] = {
    "max_output_tokens": (int, 1, 10_000_000),
    "temperature": ((int, float), 0, 2),
    "top_p": ((int, float), 0, 1),
    "top_logprobs": (int, 0, 20),
}


def _item(raw: Any, index: int, names: dict[str, str]) -> Message:
    where = f"input[{index}]."
    if not isinstance(raw, dict):
        raise RequestError(f"Invalid type for 'input[{index}]': expected an object.", f"input[{index}]")
    kind = raw.get("type", "message")
    if kind == "function_call":
        call_id, name = required(raw, "call_id", str, where), required(raw, "name", str, where)
        names[call_id] = name
        call = ToolCall(call_id, name, arguments_object(raw.get("arguments"), where + "arguments"))
        return Message("assistant", "", tool_calls=(call,))
    if kind == "function_call_output":
        call_id = required(raw, "call_id", str, where)
        return Message("tool", text_of(raw.get("output"), where + "output"), tool_name=names.get(call_id))
    role = required(raw, "role", str, where)
    if role not in _ROLES:
        raise RequestError(f"Invalid value for '{where}role': '{role}' is not a supported role.", where + "role")
    return Message(_ROLES[role], text_of(raw.get("content"), where + "content"))  # type: ignore[arg-type]


def parse(body: dict[str, Any]) -> Parsed:
    model = required(body, "model", str)
    raw_input = required(body, "input", (str, list))
    names: dict[str, str] = {}
    if isinstance(raw_input, str):
        messages = [Message("user", raw_input)]
    else:
        messages = [_item(raw, index, names) for index, raw in enumerate(raw_input)]
    if not messages:
        raise RequestError("Invalid 'input': empty array. Expected at least one input item.", "input")
    instructions = optional(body, "instructions", str, "")
    if instructions:
        messages.insert(0, Message("system", instructions))
    tools = optional(body, "tools", list, [])
    echo = {"tools": tools, "instructions": instructions or None, "service_tier": served_tier(body)}
    bounded_all(body, BOUNDS)
    limit = optional(body, "max_output_tokens", int, None)
    conversation = Conversation(model, tuple(messages), tool_names(tools), max_output_tokens=limit)
    return Parsed(conversation, stream=optional(body, "stream", bool, False), echo=echo)


def usage_json(usage: Usage) -> dict[str, Any]:
    """Responses usage: gross ``input_tokens`` with cached tokens inside; reasoning inside ``output_tokens``."""
    return {
        "input_tokens": usage.input,
        "input_tokens_details": {"cached_tokens": usage.cache_read, "cache_write_tokens": usage.cache_write},
        "output_tokens": usage.output,
        "output_tokens_details": {"reasoning_tokens": usage.reasoning},
        "total_tokens": usage.input + usage.output,
    }


def _items(reply: Reply, response_id: str) -> list[dict[str, Any]]:
    suffix = response_id.removeprefix(ID_PREFIX)
    items: list[dict[str, Any]] = []
    if reply.text:
        text = {"type": "output_text", "text": reply.text, "annotations": [], "logprobs": []}
        items.append(
            {"id": f"msg_{suffix}", "type": "message", "role": "assistant", "status": _status(reply), "content": [text]}
        )
    for index, call in enumerate(reply.tool_calls):
        arguments = json.dumps(call.arguments)
        item = {"id": f"fc_{suffix}_{index}", "type": "function_call", "call_id": call.id, "name": call.name}
        items.append({**item, "arguments": arguments, "status": "completed"})
    return items


def _response(reply: Reply, response_id: str, parsed: Parsed, *, done: bool) -> dict[str, Any]:
    return {
        "id": response_id,
        "object": "response",
        "created_at": CREATED,
        "status": _status(reply) if done else "in_progress",
        "model": reply.model,
        "output": _items(reply, response_id) if done else [],
        "usage": usage_json(reply.usage) if done else None,
        "service_tier": parsed.echo["service_tier"],
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": parsed.echo.get("tools", []),
        "instructions": parsed.echo.get("instructions"),
        "error": None,
        "incomplete_details": {"reason": "max_output_tokens"} if done and reply.truncated else None,
        "metadata": {},
        "text": {"format": {"type": "text"}},
    }


def _status(reply: Reply) -> str:
    return "incomplete" if reply.truncated else "completed"


def render(reply: Reply, response_id: str, parsed: Parsed) -> dict[str, Any]:
    return _response(reply, response_id, parsed, done=True)


def _item_events(index: int, item: dict[str, Any]) -> list[dict[str, Any]]:
    common = {"item_id": item["id"], "output_index": index}
    if item["type"] == "message":
        part = item["content"][0]
        pieces = chunk_text(part["text"])
        started = {**item, "status": "in_progress", "content": []}
        events = [{"type": "response.output_item.added", "output_index": index, "item": started}]
        events.append(
            {"type": "response.content_part.added", **common, "content_index": 0, "part": {**part, "text": ""}}
        )
        events += [
            {"type": "response.output_text.delta", **common, "content_index": 0, "delta": p, "logprobs": []}
            for p in pieces
        ]
        events.append(
            {"type": "response.output_text.done", **common, "content_index": 0, "text": part["text"], "logprobs": []}
        )
        events.append({"type": "response.content_part.done", **common, "content_index": 0, "part": part})
    else:
        events = [
            {
                "type": "response.output_item.added",
                "output_index": index,
                "item": {**item, "arguments": "", "status": "in_progress"},
            }
        ]
        events += [
            {"type": "response.function_call_arguments.delta", **common, "delta": p}
            for p in chunk_text(item["arguments"])
        ]
        events.append(
            {
                "type": "response.function_call_arguments.done",
                **common,
                "name": item["name"],
                "arguments": item["arguments"],
            }
        )
    return [*events, {"type": "response.output_item.done", "output_index": index, "item": item}]


def stream(reply: Reply, response_id: str, parsed: Parsed) -> list[bytes]:
    opening = _response(reply, response_id, parsed, done=False)
    events: list[dict[str, Any]] = [
        {"type": "response.created", "response": opening},
        {"type": "response.in_progress", "response": opening},
    ]
    for index, item in enumerate(_items(reply, response_id)):
        events += _item_events(index, item)
    final = _response(reply, response_id, parsed, done=True)
    events.append({"type": f"response.{final['status']}", "response": final})
    return [sse({**event, "sequence_number": number}, event["type"]) for number, event in enumerate(events)]
