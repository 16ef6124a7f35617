"""Make LLM apps and agents measurable: OpenTelemetry spans and metrics with cost, latency and features.

This package is a leaf: it imports without duckdb, polars, pyarrow or any provider SDK. Its names load on
first use (``instrumentation._exports``), so reading two of them does not import the rest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from instrumentation import semconv
from instrumentation._exports import lazy_attributes

if TYPE_CHECKING:
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
    from instrumentation._cost import Period, Price, PriceBook, PriceSchedule, Rates, compute_cost
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
    from instrumentation.providers import (
        VersionedPrompt,
        instrument_anthropic,
        instrument_openai,
        prompt,
        versioned_prompt,
    )

_SOURCES = {
    "AgentRun": "instrumentation._agent",
    "ToolCall": "instrumentation._agent",
    "agent": "instrumentation._agent",
    "current_agent_run": "instrumentation._agent",
    "tool": "instrumentation._agent",
    "CatalogueEntry": "instrumentation._catalogue",
    "ToolCatalogue": "instrumentation._catalogue",
    "ContextThreadPoolExecutor": "instrumentation._context",
    "context_propagating_executors": "instrumentation._context",
    "current_feature": "instrumentation._context",
    "feature": "instrumentation._context",
    "propagate": "instrumentation._context",
    "start_thread": "instrumentation._context",
    "Period": "instrumentation._cost",
    "Price": "instrumentation._cost",
    "PriceBook": "instrumentation._cost",
    "PriceSchedule": "instrumentation._cost",
    "Rates": "instrumentation._cost",
    "compute_cost": "instrumentation._cost",
    "current_llm_call": "instrumentation._manual",
    "llm_call": "instrumentation._manual",
    "record_override": "instrumentation._override",
    "LLMInvocation": "instrumentation._records",
    "redact": "instrumentation._redact",
    "redact_value": "instrumentation._redact",
    "Settings": "instrumentation._settings",
    "load_settings": "instrumentation._settings",
    "Telemetry": "instrumentation._setup",
    "configure": "instrumentation._setup",
    "get_telemetry": "instrumentation._setup",
    "AgentStopped": "instrumentation.errors",
    "ConfigError": "instrumentation.errors",
    "HarnessError": "instrumentation.errors",
    "LoopDetected": "instrumentation.errors",
    "MaxStepsExceeded": "instrumentation.errors",
    "OverrideError": "instrumentation.errors",
    "TelemetryError": "instrumentation.errors",
    "ToolNotAllowedError": "instrumentation.errors",
    "VersionedPrompt": "instrumentation.providers",
    "instrument_anthropic": "instrumentation.providers",
    "instrument_openai": "instrumentation.providers",
    "prompt": "instrumentation.providers",
    "versioned_prompt": "instrumentation.providers",
}
__getattr__ = lazy_attributes(__name__, globals(), _SOURCES)

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
    "Period",
    "Price",
    "PriceBook",
    "PriceSchedule",
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
