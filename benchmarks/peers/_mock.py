"""The in-process OpenAI endpoint every variant talks to: prebuilt bodies behind an ``httpx2.MockTransport``."""

from __future__ import annotations

import json
from typing import Any

import httpx2

MODEL = "gpt-4o-mini"
RESPONSE_MODEL = "gpt-4o-mini-2024-07-18"
USAGE = {
    "prompt_tokens": 1200,
    "completion_tokens": 40,
    "total_tokens": 1240,
    "prompt_tokens_details": {"cached_tokens": 1024},
    "completion_tokens_details": {"reasoning_tokens": 0},
}
_COMPLETION = {
    "id": "chatcmpl-bench",
    "object": "chat.completion",
    "created": 1700000000,
    "model": RESPONSE_MODEL,
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hello there."}, "finish_reason": "stop"}],
    "usage": USAGE,
}


def _chunk(delta: dict[str, Any], finish: str | None = None, usage: Any = None) -> dict[str, Any]:
    choices = [] if usage else [{"index": 0, "delta": delta, "finish_reason": finish}]
    chunk = {"id": "chatcmpl-bench", "object": "chat.completion.chunk", "created": 1700000000}
    return {**chunk, "model": RESPONSE_MODEL, "choices": choices, "usage": usage}


def sse_body(chunks: int) -> bytes:
    """A stream of ``chunks`` content chunks, a finish chunk and a usage chunk."""
    events = [_chunk({"role": "assistant", "content": ""})]
    events += [_chunk({"content": f"w{i} "}) for i in range(chunks)]
    events += [_chunk({}, "stop"), _chunk({}, usage=USAGE)]
    return "".join(f"data: {json.dumps(e)}\n\n" for e in events).encode() + b"data: [DONE]\n\n"


class MockOpenAI:
    """Answers every chat call from prebuilt bytes; ``chunks`` picks the stream length."""

    def __init__(self, stream_lengths: tuple[int, ...]) -> None:
        self.chunks = stream_lengths[0]
        self._streams = {n: sse_body(n) for n in stream_lengths}
        self._completion = json.dumps(_COMPLETION).encode()

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        if b'"stream":true' in request.content or b'"stream": true' in request.content:
            body = self._streams[self.chunks]
            return httpx2.Response(200, content=body, headers={"content-type": "text/event-stream"})
        return httpx2.Response(200, content=self._completion, headers={"content-type": "application/json"})

    def client(self) -> Any:
        import openai

        transport = httpx2.MockTransport(self)
        return openai.OpenAI(
            api_key="sk-bench", base_url="http://127.0.0.1:9/v1", http_client=httpx2.Client(transport=transport)
        )
