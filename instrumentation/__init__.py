"""Make LLM apps and agents measurable: OpenTelemetry spans and metrics with cost, latency and features.

This package is a leaf: it imports without duckdb, polars, pyarrow or any provider SDK.
"""

from instrumentation import semconv
from instrumentation._agent import AgentRun, ToolCall, agent, current_agent_run, tool
from instrumentation._catalogue import CatalogueEntry, ToolCatalogue
from instrumentation._context import (
    ContextThreadPoolExecutor,
    context_propagating_executors,
    current_feature,
    feature,
    propagate,
    start_thread,
)
from instrumentation._cost import Price, PriceBook, Rates, compute_cost
from instrumentation._manual import current_llm_call, llm_call
from instrumentation._override import record_override
from instrumentation._records import LLMInvocation
from instrumentation._redact import redact, redact_value
from instrumentation._settings import Settings, load_settings
from instrumentation._setup import Telemetry, configure, get_telemetry
from instrumentation.errors import (
    AgentStopped,
    ConfigError,
    HarnessError,
    LoopDetected,
    MaxStepsExceeded,
    OverrideError,
    TelemetryError,
    ToolNotAllowedError,
)
from instrumentation.providers import VersionedPrompt, instrument_anthropic, instrument_openai, prompt, versioned_prompt

__all__ = [
    "AgentRun",
    "AgentStopped",
    "CatalogueEntry",
    "ConfigError",
    "ContextThreadPoolExecutor",
    "HarnessError",
    "LLMInvocation",
    "LoopDetected",
    "MaxStepsExceeded",
    "OverrideError",
    "Price",
    "PriceBook",
    "Rates",
    "Settings",
    "Telemetry",
    "TelemetryError",
    "ToolCall",
    "ToolCatalogue",
    "ToolNotAllowedError",
    "VersionedPrompt",
    "agent",
    "compute_cost",
    "configure",
    "context_propagating_executors",
    "current_agent_run",
    "current_feature",
    "current_llm_call",
    "feature",
    "get_telemetry",
    "instrument_anthropic",
    "instrument_openai",
    "llm_call",
    "load_settings",
    "prompt",
    "propagate",
    "record_override",
    "redact",
    "redact_value",
    "semconv",
    "start_thread",
    "tool",
    "versioned_prompt",
]
