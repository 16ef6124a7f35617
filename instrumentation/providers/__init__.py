"""Wrappers for the OpenAI and Anthropic SDKs, and prompt identity.

Each provider module only extracts (request, response, stream chunks -> ``LLMInvocation``); the
``TelemetryHandler`` owns the span, usage, cost and metrics. No SDK is imported until an
``instrument_*`` function is called.
"""

from instrumentation.providers._instrument import Instrumentation, instrument_anthropic, instrument_openai
from instrumentation.providers._prompt import VersionedPrompt, current_prompt, prompt, versioned_prompt

__all__ = [
    "Instrumentation",
    "VersionedPrompt",
    "current_prompt",
    "instrument_anthropic",
    "instrument_openai",
    "prompt",
    "versioned_prompt",
]
