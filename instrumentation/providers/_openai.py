"""OpenAI extraction: Chat Completions, Responses and Embeddings turned into ``LLMInvocation`` records.

OpenAI reports gross input tokens (``prompt_tokens`` / ``input_tokens`` include ``cached_tokens``
and ``cache_write_tokens``), which is already the conventions' meaning.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from instrumentation import semconv
from instrumentation._records import LLMInvocation
from instrumentation.providers import _openai_content as content
from instrumentation.providers._route import Route, get, set_params

_CHAT_PARAMS = {
    "temperature": semconv.GEN_AI_REQUEST_TEMPERATURE,
    "top_p": semconv.GEN_AI_REQUEST_TOP_P,
    "max_tokens": semconv.GEN_AI_REQUEST_MAX_TOKENS,
    "max_completion_tokens": semconv.GEN_AI_REQUEST_MAX_TOKENS,
    "seed": semconv.GEN_AI_REQUEST_SEED,
    "frequency_penalty": semconv.GEN_AI_REQUEST_FREQUENCY_PENALTY,
    "presence_penalty": semconv.GEN_AI_REQUEST_PRESENCE_PENALTY,
    "service_tier": semconv.OPENAI_REQUEST_SERVICE_TIER,
}
_RESPONSES_PARAMS = {
    "temperature": semconv.GEN_AI_REQUEST_TEMPERATURE,
    "top_p": semconv.GEN_AI_REQUEST_TOP_P,
    "max_output_tokens": semconv.GEN_AI_REQUEST_MAX_TOKENS,
    "service_tier": semconv.OPENAI_REQUEST_SERVICE_TIER,
}
_RESPONSE_TERMINAL_EVENTS = frozenset({"response.completed", "response.incomplete", "response.failed"})
_CHAT_DETAILS = ("prompt_tokens_details", "completion_tokens_details")
_RESPONSES_DETAILS = ("input_tokens_details", "output_tokens_details")


def _record_usage(inv: LLMInvocation, usage: Any, input_key: str, output_key: str, details: tuple[str, str]) -> None:
    if usage is None:
        return
    input_details = getattr(usage, details[0], None)
    output_details = getattr(usage, details[1], None)
    inv.record_usage(
        input_tokens=getattr(usage, input_key, None),
        output_tokens=getattr(usage, output_key, None),
        cache_read_tokens=getattr(input_details, "cached_tokens", None) or 0,
        cache_write_tokens=getattr(input_details, "cache_write_tokens", None) or 0,
        reasoning_tokens=getattr(output_details, "reasoning_tokens", None) or 0,
    )


class ChatCompletions:
    operation = semconv.OP_CHAT
    stream_usage_opt_in = True

    def request(self, inv: LLMInvocation, body: Mapping[str, Any], capture: bool) -> None:
        set_params(inv, body, _CHAT_PARAMS)
        stop = body.get("stop")
        if stop is not None:
            inv.request_attributes[semconv.GEN_AI_REQUEST_STOP_SEQUENCES] = [stop] if isinstance(stop, str) else stop
        n = body.get("n")
        if isinstance(n, int) and n != 1:
            inv.request_attributes[semconv.GEN_AI_REQUEST_CHOICE_COUNT] = n
        inv.request_attributes[semconv.OPENAI_API_TYPE] = semconv.OPENAI_API_CHAT_COMPLETIONS
        if capture:
            inv.input_messages = content.chat_input(body.get("messages") or ())

    def response(self, inv: LLMInvocation, result: Any, capture: bool) -> None:
        # `result` is the SDK's ChatCompletion: plain attribute reads (this is the per-call hot path)
        choices = result.choices or ()
        inv.set_response(
            model=result.model,
            id=result.id,
            finish_reasons=[choice.finish_reason or "" for choice in choices],
            service_tier=_tier(getattr(result, "service_tier", None)),
        )
        for choice in choices:
            for call in getattr(choice.message, "tool_calls", None) or ():
                inv.tool_calls.append((get(getattr(call, "function", None), "name") or "", call.id or ""))
        _record_usage(inv, result.usage, "prompt_tokens", "completion_tokens", _CHAT_DETAILS)
        if capture:
            inv.output_messages = content.chat_output(choices)

    def keep(self, chunk: Any) -> bool:
        if chunk.usage is not None or not chunk.choices:
            return True
        for choice in chunk.choices:
            if choice.finish_reason is not None or (choice.delta is not None and choice.delta.tool_calls):
                return True
        return False

    def stream(self, inv: LLMInvocation, chunks: Sequence[Any], capture: bool) -> bool:
        if not chunks:
            return False
        first = chunks[0]
        tier = next((t for chunk in chunks if (t := _tier(get(chunk, "service_tier"))) is not None), None)
        inv.set_response(model=get(first, "model"), id=get(first, "id"), service_tier=tier)
        finish: dict[int, str] = {}
        for chunk in chunks:
            for choice in chunk.choices:
                reason = choice.finish_reason
                if reason is not None:
                    finish[choice.index] = reason
                calls = choice.delta.tool_calls if choice.delta is not None else None
                for call in calls or ():
                    if call.id:
                        inv.tool_calls.append((get(call.function, "name") or "", call.id))
        if finish:
            inv.finish_reasons = [finish[index] for index in sorted(finish)]
        usage = next((chunk.usage for chunk in reversed(chunks) if chunk.usage is not None), None)
        _record_usage(inv, usage, "prompt_tokens", "completion_tokens", _CHAT_DETAILS)
        if capture:
            inv.output_messages = content.chat_stream_output(chunks, finish)
        return bool(finish)


class Responses:
    operation = semconv.OP_CHAT
    stream_usage_opt_in = False

    def request(self, inv: LLMInvocation, body: Mapping[str, Any], capture: bool) -> None:
        set_params(inv, body, _RESPONSES_PARAMS)
        inv.request_attributes[semconv.OPENAI_API_TYPE] = semconv.OPENAI_API_RESPONSES
        if capture:
            inv.input_messages = content.responses_input(body.get("instructions"), body.get("input"))

    def response(self, inv: LLMInvocation, result: Any, capture: bool) -> None:
        output = get(result, "output") or ()
        calls = [(get(item, "name") or "", get(item, "call_id") or "") for item in output if _is_call(item)]
        inv.tool_calls.extend(calls)
        inv.set_response(
            model=get(result, "model"),
            id=get(result, "id"),
            finish_reasons=[_finish_reason(result, bool(calls))],
            service_tier=_tier(get(result, "service_tier")),
        )
        _record_usage(inv, get(result, "usage"), "input_tokens", "output_tokens", _RESPONSES_DETAILS)
        if capture:
            inv.output_messages = content.responses_output(output, inv.finish_reasons)

    def keep(self, event: Any) -> bool:
        return not str(get(event, "type")).endswith(".delta")

    def stream(self, inv: LLMInvocation, chunks: Sequence[Any], capture: bool) -> bool:
        for event in reversed(chunks):
            if get(event, "type") in _RESPONSE_TERMINAL_EVENTS:
                self.response(inv, get(event, "response"), capture)
                return True
        for event in chunks[:1]:  # no terminal event yet: what `response.created` said
            response = get(event, "response")
            inv.set_response(model=get(response, "model"), id=get(response, "id"))
        return False


def _tier(value: Any) -> str | None:
    """The service tier a response names (a string), else None."""
    return value if isinstance(value, str) and value else None


def _is_call(item: Any) -> bool:
    return bool(get(item, "type") == "function_call")


def _finish_reason(result: Any, called_tools: bool) -> str:
    status = get(result, "status")
    if status == "incomplete":
        return str(get(get(result, "incomplete_details"), "reason") or status)
    if status == "failed":
        return semconv.FINISH_REASON_ERROR
    return "tool_calls" if called_tools else "stop"


class Embeddings:
    operation = semconv.OP_EMBEDDINGS
    stream_usage_opt_in = False

    def request(self, inv: LLMInvocation, body: Mapping[str, Any], capture: bool) -> None:
        encoding = body.get("encoding_format")
        if isinstance(encoding, str):
            inv.request_attributes[semconv.GEN_AI_REQUEST_ENCODING_FORMATS] = [encoding]
        dimensions = body.get("dimensions")
        if isinstance(dimensions, int):
            inv.request_attributes[semconv.GEN_AI_EMBEDDINGS_DIMENSION_COUNT] = dimensions

    def response(self, inv: LLMInvocation, result: Any, capture: bool) -> None:
        inv.set_response(model=get(result, "model"))
        usage = get(result, "usage")
        if usage is not None:
            inv.record_usage(input_tokens=get(usage, "prompt_tokens"), output_tokens=0)

    def keep(self, chunk: Any) -> bool:
        return False

    def stream(self, inv: LLMInvocation, chunks: Sequence[Any], capture: bool) -> bool:
        return True


_ROUTES: dict[str, Route] = {
    "/chat/completions": ChatCompletions(),
    "/responses": Responses(),
    "/embeddings": Embeddings(),
}


def route(url: str) -> Route | None:
    """The extraction for an OpenAI request path, or None for endpoints we leave alone."""
    return _ROUTES.get(url)
