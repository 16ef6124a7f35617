"""``run_agent``: the support-desk agent loop on the OpenAI SDK, traced as one agent run.

Each step is one chat completion; every tool call the model asks for runs as a governed tool span
linked to that completion. A loop or the step limit ends the run with a fallback answer (the
termination is recorded on the agent span); the app's other errors propagate unchanged.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from opentelemetry import trace

from harness.app._tools import TOOL_DEFINITIONS, TOOLS, ToolInputError
from harness.app._versions import AGENT_NAME, AgentVersion, app_file, get_version
from instrumentation import (
    AgentRun,
    AgentStopped,
    Telemetry,
    ToolCatalogue,
    ToolNotAllowedError,
    agent,
    feature,
    get_telemetry,
    semconv,
    tool,
)
from instrumentation.providers import prompt

FALLBACK_ANSWER = "Sorry, I could not finish looking into this. A support agent will follow up by email."
FEATURE_ORDER_STATUS = "order-status"
FEATURE_SUPPORT_ANSWER = "support-answer"
_ORDER_ID = re.compile(r"\bORD-\d+\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class AgentAnswer:
    """What one run answered and how it went (the same facts are on the run's spans)."""

    question: str
    version: str
    text: str
    feature: str
    termination: str
    steps: int
    llm_calls: int
    tool_calls: int
    retries: int
    trace_id: str


def feature_for(question: str) -> str:
    """The product feature a question is attributed to (cost per feature)."""
    return FEATURE_ORDER_STATUS if _ORDER_ID.search(question) else FEATURE_SUPPORT_ANSWER


@functools.cache
def tool_catalogue() -> ToolCatalogue:
    return ToolCatalogue.from_file(app_file("tools.yaml"))


def run_agent(
    question: str, *, version: str | AgentVersion = "baseline", client: Any, telemetry: Telemetry | None = None
) -> AgentAnswer:
    """Answer one support question with ``version`` of the agent.

    ``client`` is an ``openai.OpenAI`` client, instrumented with ``instrument_openai`` (``make_client``
    does both) so each step's completion is a ``chat`` span rolled up onto the agent span.
    """
    release = get_version(version)
    system = release.prompt()
    telemetry = telemetry or get_telemetry()
    feature_name = feature_for(question)
    messages: list[dict[str, Any]] = [
        {"role": "system", "content": system.text},
        {"role": "user", "content": question},
    ]
    with (
        feature(feature_name),
        prompt(system),
        agent(
            AGENT_NAME,
            version=release.name,
            max_steps=release.max_steps,
            loop_threshold=release.loop_threshold,
            catalogue=tool_catalogue(),
            telemetry=telemetry,
        ) as run,
    ):
        trace_id = format(trace.get_current_span().get_span_context().trace_id, "032x")
        try:
            text = _converse(run, client, release, messages, telemetry)
        except AgentStopped:  # loop or step limit: the reason is on the run, the customer gets a fallback
            text = FALLBACK_ANSWER
    return AgentAnswer(
        question=question,
        version=release.name,
        text=text,
        feature=feature_name,
        termination=run.termination or semconv.TERMINATION_COMPLETED,
        steps=run.current_step,
        llm_calls=run.llm_calls,
        tool_calls=run.tool_calls,
        retries=run.retries,
        trace_id=trace_id,
    )


def run_questions(
    questions: Iterable[str], *, version: str | AgentVersion, client: Any, telemetry: Telemetry | None = None
) -> list[AgentAnswer]:
    """Run ``version`` over several questions in order (the demo's and the trajectory query's input)."""
    return [run_agent(q, version=version, client=client, telemetry=telemetry) for q in questions]


def _converse(
    run: AgentRun, client: Any, release: AgentVersion, messages: list[dict[str, Any]], telemetry: Telemetry
) -> str:
    import openai

    while True:
        run.step()
        try:
            response = client.chat.completions.create(model=release.model, messages=messages, tools=TOOL_DEFINITIONS)
        except openai.APITimeoutError:
            run.terminate(semconv.TERMINATION_TIMEOUT)
            raise
        message = response.choices[0].message
        if not message.tool_calls:
            return str(message.content or "")
        messages.append(_assistant_message(message))
        for call in message.tool_calls:
            result = _execute(call.id, call.function.name, call.function.arguments, telemetry)
            messages.append({"role": "tool", "tool_call_id": call.id, "content": result})


def _assistant_message(message: Any) -> dict[str, Any]:
    calls = [
        {"id": c.id, "type": "function", "function": {"name": c.function.name, "arguments": c.function.arguments}}
        for c in message.tool_calls
    ]
    return {"role": "assistant", "content": message.content, "tool_calls": calls}


def _execute(call_id: str, name: str, arguments: str, telemetry: Telemetry) -> str:
    """Run one requested tool; a refused tool or bad arguments go back to the model as an error result."""
    try:
        with tool(name, call_id=call_id, arguments=arguments, tool_type="function", telemetry=telemetry) as call:
            result = TOOLS[name](**json.loads(arguments or "{}"))
            call.set_result(result)
            return result
    except (ToolNotAllowedError, ToolInputError, ValueError, TypeError) as exc:
        return json.dumps({"error": str(exc)})
