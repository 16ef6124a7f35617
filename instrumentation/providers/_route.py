"""What a provider adapter provides: per API endpoint, how a request, a response and a stream fill the record."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from instrumentation._records import LLMInvocation


class Route(Protocol):
    """Extraction for one endpoint (chat completions, responses, embeddings, messages); never touches a span."""

    operation: str
    #: a stream has usage only when the request asks (``stream_options.include_usage``: OpenAI chat only)
    stream_usage_opt_in: bool

    def request(self, inv: LLMInvocation, body: Mapping[str, Any], capture: bool) -> None:
        """Record the request parameters (and, when ``capture``, the input messages)."""

    def response(self, inv: LLMInvocation, result: Any, capture: bool) -> None:
        """Record a whole response: ids, model, finish reasons, tool calls, usage."""

    def keep(self, chunk: Any) -> bool:
        """Whether ``stream`` needs this chunk (content deltas are dropped when content is not captured)."""

    def stream(self, inv: LLMInvocation, chunks: Sequence[Any], capture: bool) -> bool:
        """Record what the kept chunks say (the first is always kept); True when the stream finished."""


def get(obj: Any, key: str) -> Any:
    """``obj[key]`` for a mapping, ``obj.key`` for an SDK model, None when absent."""
    if type(obj) is dict or isinstance(obj, Mapping):  # the exact-type test first: it is the cheap one
        return obj.get(key)
    return getattr(obj, key, None)


def set_params(inv: LLMInvocation, body: Mapping[str, Any], names: Mapping[str, str]) -> None:
    """Copy the request parameters the body sets (body key -> attribute name) onto the record."""
    attributes = inv.request_attributes
    for key, value in body.items():  # a request sets few keys: walk them, not the table
        attribute = names.get(key)
        if attribute is not None and value is not None and isinstance(value, (int, float, str, bool, list, tuple)):
            attributes[attribute] = list(value) if isinstance(value, tuple) else value


def listed(value: Any) -> Sequence[Any]:
    """A request's list (messages, content blocks, tool calls) as given, or nothing when it is not a list:
    content capture records what it can read and leaves a malformed request to the provider's 400."""
    return value if isinstance(value, list | tuple) else ()


def text_part(text: Any) -> dict[str, Any]:
    return {"type": "text", "content": text}


def tool_call_part(call_id: Any, name: Any, arguments: Any) -> dict[str, Any]:
    return {"type": "tool_call", "id": call_id, "name": name, "arguments": arguments}


def tool_response_part(call_id: Any, response: Any) -> dict[str, Any]:
    return {"type": "tool_call_response", "id": call_id, "response": response}
