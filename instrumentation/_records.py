"""What one inference call was asked and answered: the record an adapter or the app fills in.

The record holds data only. The span it becomes, its context token, the call it nests in and the
counters of its attempts are the handler's (``instrumentation._spans.InferenceSpan``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from instrumentation import semconv


@dataclass(slots=True)
class LLMInvocation:
    """What one inference call was asked and answered; filled by an adapter or the manual API."""

    request_model: str
    provider: str
    operation: str = semconv.OP_CHAT
    server_address: str | None = None
    server_port: int | None = None
    stream: bool = False
    prompt_name: str | None = None
    prompt_version: str | None = None
    request_attributes: dict[str, Any] = field(default_factory=dict)
    #: False when the request did not ask for usage (an OpenAI chat stream without ``stream_options.include_usage``)
    usage_requested: bool = True
    response_model: str | None = None
    response_id: str | None = None
    #: the provider's service tier that served the call (OpenAI's ``service_tier``: default, flex, priority ...),
    #: which some prices depend on
    service_tier: str | None = None
    #: Anthropic's speed mode (``fast`` mode costs more): the one that served the call, else the one asked for
    speed: str | None = None
    finish_reasons: list[str] | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    reasoning_tokens: int = 0
    provider_cost: float | None = None
    tool_calls: list[tuple[str, str]] = field(default_factory=list)
    input_messages: Any = None
    output_messages: Any = None
    attempts: int = 1
    started_at: float = 0.0
    first_chunk_at: float | None = None
    error_type: str | None = None

    def record_usage(
        self,
        input_tokens: int | None = None,
        output_tokens: int | None = None,
        cache_read_tokens: int = 0,
        cache_write_tokens: int = 0,
        reasoning_tokens: int = 0,
    ) -> None:
        """Record usage with the conventions' meaning: input includes cache tokens, output includes reasoning."""
        self.input_tokens = input_tokens
        self.output_tokens = output_tokens
        self.cache_read_tokens = cache_read_tokens
        self.cache_write_tokens = cache_write_tokens
        self.reasoning_tokens = reasoning_tokens

    def set_response(
        self,
        *,
        model: str | None = None,
        id: str | None = None,
        finish_reasons: list[str] | None = None,
        service_tier: str | None = None,
    ) -> None:
        if model is not None:
            self.response_model = model
        if id is not None:
            self.response_id = id
        if finish_reasons is not None:
            self.finish_reasons = finish_reasons
        if service_tier is not None:
            self.service_tier = service_tier

    def mark_first_chunk(self) -> None:
        if self.first_chunk_at is None:
            self.first_chunk_at = time.perf_counter()

    @property
    def time_to_first_chunk(self) -> float | None:
        return None if self.first_chunk_at is None else self.first_chunk_at - self.started_at

    def set_time_to_first_chunk(self, seconds: float) -> None:
        self.first_chunk_at = self.started_at + seconds
