"""The same app traffic under one instrumentation, for the dialect tests (tests/dialects/test_dialects.py).

    .venv-dialect-NAME/bin/python tests/dialects/traffic.py NAME --base-url URL --otlp URL/v1/traces
    .venv/bin/python tests/dialects/traffic.py harness --base-url URL --home DIR

It runs in that instrumentation's own virtualenv, so it imports only the real ``openai`` client, the
OpenTelemetry SDK and the instrumentation named (never the harness, except for ``harness`` itself). The
traffic, against the local model server: a chat call at the priority service tier, a streamed call with
usage, an agent run whose model asks for a tool (the tool runs, the model answers from its result) and a
call that fails. Features
are named the way a team on that instrumentation would: ours by ``instrumentation.feature``; the others by
an ``app.feature`` baggage entry that a span processor copies onto every span (the setting
``feature_attribute`` tells scoring to read it). Agent and tool spans come from the instrumentation's own
API where it has one (util-genai's ``TelemetryHandler``, OpenInference's ``OITracer``); OpenLLMetry's are
plain spans with the attributes traceloop-sdk's ``@agent`` / ``@tool`` decorators set (the SDK itself
brings some 40 instrumentors and pandas); openai-v2 and Logfire have no agent spans of their own.
"""

from __future__ import annotations

import argparse
import contextlib
import json
from collections.abc import Callable, Iterator
from typing import Any

import openai

SERVICE = "dialect-app"
FEATURE_KEY = "app.feature"
MODEL = "gpt-4o-mini"
FAILING_MODEL = "fault-500-mini"
TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "lookup_order",
            "description": "Look up an order by its id",
            "parameters": {"type": "object", "properties": {"order_id": {"type": "string"}}},
        },
    }
]

Scope = Callable[[str], contextlib.AbstractContextManager[Any]]


class Instrumented:
    """How one instrumentation names features, agent runs and tool executions, and how it is shut down."""

    def __init__(self, feature: Scope, agent: Scope, tool: Scope, shutdown: Callable[[], object]) -> None:
        self.feature, self.agent, self.tool, self.shutdown = feature, agent, tool, shutdown


@contextlib.contextmanager
def _nothing(name: str) -> Iterator[None]:
    yield None


@contextlib.contextmanager
def _baggage_feature(name: str) -> Iterator[None]:
    from opentelemetry import baggage, context

    token = context.attach(baggage.set_baggage(FEATURE_KEY, name))
    try:
        yield None
    finally:
        context.detach(token)


def _provider(otlp: str) -> Any:
    """An SDK TracerProvider exporting OTLP/HTTP to ``otlp``, stamping the feature baggage on every span."""
    from opentelemetry import baggage
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    class BaggageFeature(SpanProcessor):  # what opentelemetry-processor-baggage does, for one key
        def on_start(self, span: Any, parent_context: Any = None) -> None:
            value = baggage.get_baggage(FEATURE_KEY, parent_context)
            if value is not None:
                span.set_attribute(FEATURE_KEY, str(value))

    provider = TracerProvider(resource=Resource.create({"service.name": SERVICE}))
    provider.add_span_processor(BaggageFeature())
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=otlp)))
    return provider


def _harness(client: openai.OpenAI, args: argparse.Namespace) -> Instrumented:
    import instrumentation

    telemetry = instrumentation.configure(SERVICE, home=args.home, exporters=["lake"])
    instrumentation.instrument_openai(client, telemetry=telemetry)
    return Instrumented(instrumentation.feature, instrumentation.agent, instrumentation.tool, telemetry.shutdown)


def _official(client: openai.OpenAI, args: argparse.Namespace) -> Instrumented:
    from opentelemetry.instrumentation.genai.openai import OpenAIInstrumentor
    from opentelemetry.util.genai.handler import TelemetryHandler

    provider = _provider(args.otlp)
    OpenAIInstrumentor().instrument(tracer_provider=provider)
    handler = TelemetryHandler(tracer_provider=provider)
    return Instrumented(
        _baggage_feature,
        lambda name: handler.invoke_local_agent(agent_name=name),
        lambda name: handler.tool(name),
        provider.shutdown,
    )


def _official_v2(client: openai.OpenAI, args: argparse.Namespace) -> Instrumented:
    from opentelemetry.instrumentation.openai_v2 import OpenAIInstrumentor

    provider = _provider(args.otlp)
    OpenAIInstrumentor().instrument(tracer_provider=provider)
    return Instrumented(_baggage_feature, _nothing, _nothing, provider.shutdown)


def _openllmetry(client: openai.OpenAI, args: argparse.Namespace) -> Instrumented:
    from opentelemetry.instrumentation.openai import OpenAIInstrumentor

    provider = _provider(args.otlp)
    OpenAIInstrumentor().instrument(tracer_provider=provider)
    tracer = provider.get_tracer("traceloop.tracer")

    @contextlib.contextmanager
    def entity(kind: str, name: str) -> Iterator[Any]:  # the attributes of traceloop-sdk's decorators
        attributes = {"traceloop.span.kind": kind, "traceloop.entity.name": name}
        with tracer.start_as_current_span(f"{name}.{kind}", attributes=attributes) as span:
            yield span

    return Instrumented(
        _baggage_feature, lambda name: entity("agent", name), lambda name: entity("tool", name), provider.shutdown
    )


def _openinference(client: openai.OpenAI, args: argparse.Namespace) -> Instrumented:
    from openinference.instrumentation import OITracer, TraceConfig
    from openinference.instrumentation.openai import OpenAIInstrumentor

    provider = _provider(args.otlp)
    OpenAIInstrumentor().instrument(tracer_provider=provider)
    tracer = OITracer(provider.get_tracer("dialect-app"), config=TraceConfig())

    @contextlib.contextmanager
    def agent(name: str) -> Iterator[Any]:
        with tracer.start_as_current_span(name, openinference_span_kind="agent") as span:
            span.set_attribute("agent.name", name)
            yield span

    @contextlib.contextmanager
    def tool(name: str) -> Iterator[Any]:
        with tracer.start_as_current_span(name, openinference_span_kind="tool") as span:
            span.set_tool(name=name, parameters="{}")
            yield span

    return Instrumented(_baggage_feature, agent, tool, provider.shutdown)


def _logfire(client: openai.OpenAI, args: argparse.Namespace) -> Instrumented:
    import logfire

    provider = _provider(args.otlp)  # its processors (baggage feature, OTLP batch) are handed to Logfire
    processors = list(provider._active_span_processor._span_processors)
    logfire.configure(
        send_to_logfire=False,
        console=False,
        service_name=SERVICE,
        additional_span_processors=processors,
        inspect_arguments=False,
    )
    logfire.instrument_openai(client)
    return Instrumented(_baggage_feature, _nothing, _nothing, logfire.shutdown)


SETUPS: dict[str, Callable[[openai.OpenAI, argparse.Namespace], Instrumented]] = {
    "harness": _harness,
    "official": _official,
    "official-v2": _official_v2,
    "openllmetry": _openllmetry,
    "openinference": _openinference,
    "logfire": _logfire,
}


def run_traffic(client: openai.OpenAI, app: Instrumented) -> None:
    with app.feature("ticket-summary"):
        question = [{"role": "user", "content": "How do I reset my password?"}]
        client.chat.completions.create(model=MODEL, messages=question, service_tier="priority")  # type: ignore[arg-type]
        stream = client.chat.completions.create(
            model=MODEL,
            messages=[{"role": "user", "content": "Can I change my plan?"}],
            stream=True,
            stream_options={"include_usage": True},
        )
        for _ in stream:
            pass
    with app.feature("order-status"):
        _agent_run(client, app)
        try:
            client.chat.completions.create(model=FAILING_MODEL, messages=[{"role": "user", "content": "Hello?"}])
        except openai.APIStatusError:
            pass


def _agent_run(client: openai.OpenAI, app: Instrumented) -> None:
    messages: list[Any] = [{"role": "user", "content": "Where is my order ORD-1001?"}]
    with app.agent("support-desk"):
        first = client.chat.completions.create(model=MODEL, messages=messages, tools=TOOLS)  # type: ignore[arg-type]
        call = first.choices[0].message.tool_calls[0]  # type: ignore[index]
        with app.tool(call.function.name):
            result = json.dumps({"order_id": "ORD-1001", "status": "shipped"})
        messages += [first.choices[0].message.model_dump(exclude_none=True)]
        messages += [{"role": "tool", "tool_call_id": call.id, "content": result}]
        client.chat.completions.create(model=MODEL, messages=messages, tools=TOOLS)  # type: ignore[arg-type]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dialect", choices=sorted(SETUPS))
    parser.add_argument("--base-url", required=True, help="the local model server's OpenAI base URL")
    parser.add_argument("--otlp", help="OTLP/HTTP traces endpoint (every dialect but harness)")
    parser.add_argument("--home", help="HARNESS_HOME of the harness dialect's lake")
    args = parser.parse_args()
    client = openai.OpenAI(base_url=args.base_url, api_key="unused", max_retries=0)  # the failing call fails once
    app = SETUPS[args.dialect](client, args)
    run_traffic(client, app)
    app.shutdown()


if __name__ == "__main__":
    main()
