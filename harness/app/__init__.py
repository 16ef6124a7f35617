"""The reference agent app: a support-desk agent on the OpenAI SDK, in a baseline and a regressed candidate.

```python
from harness.app import load_questions, make_client, run_agent, scenario_path
from harness.model_server import serve

with serve(scenario=scenario_path()) as server:
    client = make_client(server.openai_base_url, telemetry=telemetry)
    answer = run_agent("Where is my order ORD-1001?", version="candidate", client=client, telemetry=telemetry)
```

The versions differ in their system prompt file (``prompts/``, recorded as ``gen_ai.prompt.name`` and
a content-hash ``gen_ai.prompt.version``) and model; the local model server's behaviour for each comes
from ``scenario.yaml``. ``trajectory.sql`` compares the versions' runs over the lake. Beside the agent,
``triage`` is the desk's classical system: a small logistic-regression model scoring tickets through
``harness.facts.predict``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from harness.app._agent import (
    FALLBACK_ANSWER,
    FEATURE_ORDER_STATUS,
    FEATURE_SUPPORT_ANSWER,
    AgentAnswer,
    feature_for,
    run_agent,
    run_questions,
    tool_catalogue,
)
from harness.app._questions import SupportQuestion, load_questions, questions_path
from harness.app._report import trajectory_by_version, trajectory_table
from harness.app._tools import TOOLS, ToolInputError, calculator
from harness.app._triage import TRIAGE_MODEL, TRIAGE_MODELS, TRIAGE_SYSTEM, TriageModel, triage
from harness.app._versions import AGENT_NAME, PROMPT_NAME, VERSIONS, AgentVersion, app_file, get_version
from instrumentation import Telemetry


def scenario_path() -> Path:
    """The model server scenario that makes the two versions behave as described (extends the default)."""
    return app_file("scenario.yaml")


def make_client(base_url: str, *, telemetry: Telemetry | None = None, max_retries: int = 2) -> Any:
    """An ``openai.OpenAI`` client for ``base_url``, instrumented so its calls become ``chat`` spans."""
    import openai

    from instrumentation.providers import instrument_openai

    client = openai.OpenAI(base_url=base_url, api_key="local-model-server", max_retries=max_retries)
    instrument_openai(client, telemetry=telemetry)
    return client


__all__ = [
    "AGENT_NAME",
    "FALLBACK_ANSWER",
    "FEATURE_ORDER_STATUS",
    "FEATURE_SUPPORT_ANSWER",
    "PROMPT_NAME",
    "TOOLS",
    "TRIAGE_MODEL",
    "TRIAGE_MODELS",
    "TRIAGE_SYSTEM",
    "VERSIONS",
    "AgentAnswer",
    "AgentVersion",
    "SupportQuestion",
    "ToolInputError",
    "TriageModel",
    "app_file",
    "calculator",
    "feature_for",
    "get_version",
    "load_questions",
    "make_client",
    "questions_path",
    "run_agent",
    "run_questions",
    "scenario_path",
    "tool_catalogue",
    "trajectory_by_version",
    "trajectory_table",
    "triage",
]
