"""The instrumentation's public surface, pinned exactly, and every exception where a reader looks for it."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import instrumentation
from instrumentation import errors


def test_the_public_names_are_exactly_these() -> None:
    assert sorted(instrumentation.__all__) == [
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
    assert all(hasattr(instrumentation, name) for name in instrumentation.__all__)


def _modules() -> list[object]:
    names = [m.name for m in pkgutil.walk_packages(instrumentation.__path__, "instrumentation.")]
    return [importlib.import_module(name) for name in names]


def test_every_exception_of_the_package_lives_in_errors_py_and_derives_from_harness_error() -> None:
    defined = {
        obj
        for module in _modules()
        for _, obj in inspect.getmembers(module, inspect.isclass)
        if issubclass(obj, BaseException) and obj.__module__.startswith("instrumentation")
    }
    assert defined, "the walk found no exception at all"
    assert {cls.__module__ for cls in defined} == {"instrumentation.errors"}
    assert all(issubclass(cls, errors.HarnessError) for cls in defined)


def test_the_docstring_draws_every_exception_of_errors_py() -> None:
    classes = [name for name, obj in vars(errors).items() if inspect.isclass(obj) and issubclass(obj, Exception)]
    assert len(classes) == 8
    for name in classes:
        assert f" {name} " in (errors.__doc__ or ""), f"{name} is missing from the hierarchy in errors.py"
    for name in instrumentation.__all__:
        if inspect.isclass(getattr(instrumentation, name)) and issubclass(getattr(instrumentation, name), Exception):
            assert name in classes
