"""OpenAI ``POST /v1/chat/completions``: parse, and render plain or as SSE chunks."""

from __future__ import annotations

import json
from typing import Any

from harness.model_server._engine import Conversation, Message, Parsed, Reply, ToolCall
from harness.model_server._http import Dialect, RequestError, sse
from harness.model_server._parse import arguments_object, bounded_all, optional, required, served_tier, text_of
from harness.model_server._tokens import Usage, chunk_text

ENDPOINT = "chat.completions"
DIALECT: Dialect = "openai"
ID_PREFIX = "chatcmpl-"
CALL_PREFIX = "call_"
CREATED = 1_767_225_600  # fixed, so responses are byte-for-byte deterministic
_ROLES = {"system": "system", "developer": "system", "user": "user", "assistant": "assistant", "tool": "tool"}
_NUMBER = (int, float)
#: the ranges OpenAI documents; a parameter outside its range is a 400 naming it
BOUNDS: dict[str, tuple[type | tuple[type, ...], float, float]] = {
    "max_tokens": (int, 1, 10_000_000),
    "max_completion_tokens": (int, 1, 10_000_000),
    "temperature": (_NUMBER, 0, 2),
    "top_p": (_NUMBER, 0, 1),
    "n": (int, 1, 128),
    "presence_penalty": (_NUMBER, -2, 2),
    "frequency_penalty": (_NUMBER, -2, 2),
    "top_logprobs": (int, 0, 20),
}


def tool_names(tools: list[Any], where: str = "tools") -> frozenset[str]:
    """Function names from OpenAI tool definitions (chat's nested ``function`` or the Responses flat form)."""
    names = set()
    for index, tool in enumerate(tools):
        spec = tool.get("function", tool) if isinstance(tool, dict) else None
        if not isinstance(spec, dict) or not isinstance(spec.get("name"), str):
            raise RequestError(
                f"Invalid '{where}[{index}]': a function tool needs a string 'name'.", f"{where}[{index}]"
            )
        names.add(spec["name"])
    return frozenset(names)


def _calls(raw: dict[str, Any], where: str) -> tuple[ToolCall, ...]:
    """An assistant message's tool calls; entries without a function name are skipped."""
    calls = []
    for index, call in enumerate(optional(raw, "tool_calls", list, [], where)):
        function = call.get("function") if isinstance(call, dict) else None
        if isinstance(function, dict) and "name" in function:
            arguments = arguments_object(function.get("arguments"), f"{where}tool_calls[{index}].function.arguments")
            calls.append(ToolCall(call.get("id", ""), function["name"], arguments))
    return tuple(calls)


def _message(raw: Any, index: int, names_by_call: dict[str, str]) -> Message:
    where = f"messages[{index}]."
    if not isinstance(raw, dict):
        raise RequestError(f"Invalid type for 'messages[{index}]': expected an object.", f"messages[{index}]")
    role = required(raw, "role", str, where)
    if role not in _ROLES:
        raise RequestError(f"Invalid value for '{where}role': '{role}' is not a supported role.", where + "role")
    text = text_of(raw.get("content"), where + "content")
    calls = _calls(raw, where)
    names_by_call.update({c.id: c.name for c in calls})
    if role == "tool":
        call_id = required(raw, "tool_call_id", str, where)
        return Message("tool", text, tool_name=names_by_call.get(call_id))
    return Message(_ROLES[role], text, tool_calls=calls)  # type: ignore[arg-type]


def parse(body: dict[str, Any]) -> Parsed:
    model = required(body, "model", str)
    messages = required(body, "messages", list)
    if not messages:
        raise RequestError("Invalid 'messages': empty array. Expected an array with minimum length 1.", "messages")
    names_by_call: dict[str, str] = {}
    parsed = tuple(_message(raw, index, names_by_call) for index, raw in enumerate(messages))
    tools = tool_names(optional(body, "tools", list, []))
    stream = optional(body, "stream", bool, False)
    options = optional(body, "stream_options", dict, {})
    include_usage = bool(options.get("include_usage"))
    bounded_all(body, BOUNDS)
    limit = optional(body, "max_completion_tokens", int, None) or optional(body, "max_tokens", int, None)
    conversation = Conversation(model, parsed, tools, max_output_tokens=limit)
    echo = {"service_tier": served_tier(body)}
    return Parsed(conversation, stream=stream, include_usage=include_usage, echo=echo)


def usage_json(usage: Usage) -> dict[str, Any]:
    """OpenAI chat usage: gross ``prompt_tokens`` with cached tokens inside; reasoning inside completion tokens."""
    return {
        "prompt_tokens": usage.input,
        "completion_tokens": usage.output,
        "total_tokens": usage.input + usage.output,
        "prompt_tokens_details": {
            "cached_tokens": usage.cache_read,
            "cache_write_tokens": usage.cache_write,
            "audio_tokens": 0,
        },
        "completion_tokens_details": {
            "reasoning_tokens": usage.reasoning,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    }


def _finish(reply: Reply) -> str:
    if reply.tool_calls:
        return "tool_calls"
    return "length" if reply.truncated else "stop"


def _call_json(call: ToolCall) -> dict[str, Any]:
    return {"id": call.id, "type": "function", "function": {"name": call.name, "arguments": json.dumps(call.arguments)}}


def render(reply: Reply, response_id: str, parsed: Parsed) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": reply.text or None, "refusal": None}
    if reply.tool_calls:
        message["tool_calls"] = [_call_json(call) for call in reply.tool_calls]
    return {
        "id": response_id,
        "object": "chat.completion",
        "created": CREATED,
        "model": reply.model,
        "system_fingerprint": "fp_mock",
        "service_tier": parsed.echo["service_tier"],
        "choices": [{"index": 0, "message": message, "finish_reason": _finish(reply), "logprobs": None}],
        "usage": usage_json(reply.usage),
    }


def _deltas(reply: Reply) -> list[tuple[dict[str, Any], str | None]]:
    deltas: list[tuple[dict[str, Any], str | None]] = [({"role": "assistant", "content": ""}, None)]
    if reply.text:
        deltas += [({"content": piece}, None) for piece in chunk_text(reply.text)]
    for index, call in enumerate(reply.tool_calls):
        head = {"index": index, "id": call.id, "type": "function", "function": {"name": call.name, "arguments": ""}}
        deltas.append(({"tool_calls": [head]}, None))
        pieces = chunk_text(json.dumps(call.arguments))
        deltas += [({"tool_calls": [{"index": index, "function": {"arguments": p}}]}, None) for p in pieces]
    deltas.append(({}, _finish(reply)))
    return deltas


def stream(reply: Reply, response_id: str, parsed: Parsed) -> list[bytes]:
    base = {"id": response_id, "object": "chat.completion.chunk", "created": CREATED, "model": reply.model}
    base["system_fingerprint"] = "fp_mock"
    base["service_tier"] = parsed.echo["service_tier"]
    extra: dict[str, Any] = {"usage": None} if parsed.include_usage else {}
    frames = [
        sse({**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}], **extra})
        for delta, finish in _deltas(reply)
    ]
    if parsed.include_usage:
        frames.append(sse({**base, "choices": [], "usage": usage_json(reply.usage)}))
    return [*frames, sse("[DONE]")]
