"""The local model server: OpenAI- and Anthropic-compatible, deterministic, with scripted tools and faults.

Endpoints: ``POST /v1/chat/completions``, ``/v1/responses``, ``/v1/embeddings`` (OpenAI) and
``/v1/messages`` (Anthropic), plain and streamed, and ``/v1/messages/count_tokens``; for tests and
tools ``POST /_scenario/reset``, ``GET /_scenario/requests`` (the latest 10,000) and ``GET /healthz``.
Malformed requests get a 400 in the provider's error shape naming the field (a wrong type, a missing
field, a number out of its documented range such as ``max_tokens: -5``). ``Limits`` (``serve(limits=...)``)
bounds what one client can make the server do: bodies up to 4 MiB (413 beyond, refused before it is
read), a body must arrive within 10 s (408) and a first request within 10 s of connecting, JSON nests at
most 64 levels, embeddings at most 3,072 dimensions and 2,048 inputs; big bodies are worked on off the
event loop, and a client that leaves mid-body is one log line.

Python API::

    from harness.model_server import serve
    with serve(scenario="my_scenario.yaml") as server:      # port 0: an ephemeral port
        openai.OpenAI(base_url=server.openai_base_url, api_key="unused")
        anthropic.Anthropic(base_url=server.anthropic_base_url, api_key="unused")
        server.requests    # what the server answered: endpoint, model, stream, fault
        server.reset()     # forget fault counters, ids and the request log (optionally a new scenario)

``create_app(scenario)`` gives the ASGI app for in-process use (``httpx2.ASGITransport``). Ids
(``chatcmpl-mock000001``, ``call_mock000002`` ...) count up per server and restart on ``reset()``.

How a reply is chosen (provider-neutral; both dialects behave the same):

1. A model named ``judge-*`` answers as an LLM judge (contract in ``harness.model_server._judge``): the
   last user message holds ``Expected keywords: a, b`` and ``<answer>...</answer>``; the reply is
   ``{"score": <share of keywords found, 0..1>, "reasoning": "..."}`` as JSON text.
2. Otherwise the first matching rule of the scenario wins; with no match, the best knowledge-base
   article for the last user message (``load_knowledge_base()``) is the answer.

Scenario file (YAML; every key optional; unknown keys are errors)::

    extends: default            # default: also use the shipped scenario's entries after these; or none
    models:                     # first glob match on the request's model wins
      - match: "gpt-4o*"
        response_model: gpt-4o-2024-08-06   # echoed model (default: the request's)
        first_chunk_ms: 0       # delay before the first chunk (non-streamed: before the body)
        chunk_gap_ms: 0         # delay between chunks (non-streamed: added once per chunk)
        cache_read_tokens: 0    # a virtual cached prefix read from cache, added to the prompt's tokens
        cache_write_tokens: 0   # a virtual prefix written to cache, added to the prompt's tokens
        reasoning_tokens: 0     # added to the output tokens (OpenAI: inside completion_tokens_details)
    faults:                     # checked in order; each counts the requests it applies to
      - match: "flaky-*"        # glob on the model
        kind: rate_limit        # rate_limit | server_error | timeout | cut_stream | malformed_json
        endpoints: [chat.completions, responses, embeddings, messages]   # default: all
        first: 1                # fail only the first N matching requests, then succeed
        every: 3                # fail every Nth matching request (3rd, 6th, ...); neither first nor every: all fail
        retry_after: 0.05       # rate_limit, server_error: seconds, sent as retry-after and retry-after-ms (0: none)
        status: 500             # server_error: 500..599 (529 is Anthropic's overloaded_error)
        sleep: 30               # timeout: seconds before answering (ends early if the client leaves)
        after_chunks: 2         # cut_stream: frames sent before the connection drops (non-streamed:
                                #   half the body); malformed_json: which frame is truncated
    rules:                      # first match wins
      - name: order-lookup
        model: "*"              # glob on the model
        last: user              # the role of the last message: user or tool (a tool result)
        tool: lookup_order      # with last: tool, the tool whose result it is
        contains: [order]       # any of these (case-insensitive) in the last message
        pattern: '(?P<order_id>ORD-\\d+)'   # must match the last message; named groups are variables
        call: {name: lookup_order, arguments: {order_id: "{order_id}"}}   # only if the request offers it
        # or: answer: "text with {variables}"
Variables for ``call`` arguments and ``answer``: the named groups of ``pattern``, ``{user}`` (last user
message), ``{tool_result}`` (the last message when it is a tool result) and its top-level keys when
it is a JSON object, ``{kb_answer}`` / ``{kb_title}`` (best article for the last user message), ``{model}``;
unknown variables are empty, literal braces are doubled (``{{``). A text answer longer than the request's
output limit (``max_completion_tokens``/``max_tokens``, ``max_tokens``, ``max_output_tokens``) is cut,
with finish reason ``length`` / stop reason ``max_tokens`` / status ``incomplete``.

The shipped scenario (``data/default_scenario.yaml``) drives the reference support agent (tools
``search_kb``, ``lookup_order``, ``calculator``, ``escalate``), names fault models ``fault-429*``,
``fault-500*`` (first request fails), ``fault-timeout*``, ``fault-cut*``, ``fault-malformed*``, usage models
``*-cached*`` and ``*-reasoning*``, a slow ``*-slow*`` and a worse ``*-regressed*`` model.

Usage is deterministic (a token is a word or a punctuation mark) and in each provider's shape:
OpenAI gross ``prompt_tokens``/``input_tokens`` with ``cached_tokens`` inside and ``reasoning_tokens``
inside the output; Anthropic net ``input_tokens`` with ``cache_read_input_tokens`` and
``cache_creation_input_tokens`` beside it.
"""

from harness.model_server._app import create_app
from harness.model_server._judge import judge
from harness.model_server._kb import Article, load_knowledge_base, load_orders, search_knowledge_base
from harness.model_server._limits import Limits
from harness.model_server._scenario import Scenario, default_scenario, load_scenario
from harness.model_server._serve import ServerHandle, run_forever, serve, start
from harness.model_server._state import RequestRecord
from harness.model_server._tokens import count_tokens

__all__ = [
    "Article",
    "Limits",
    "RequestRecord",
    "Scenario",
    "ServerHandle",
    "count_tokens",
    "create_app",
    "default_scenario",
    "judge",
    "load_knowledge_base",
    "load_orders",
    "load_scenario",
    "run_forever",
    "search_knowledge_base",
    "serve",
    "start",
]
