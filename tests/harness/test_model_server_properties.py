"""Property-based: every request body gets an answer or a 400 naming its field; every scenario file loads or
gets a ``ConfigError`` naming the file, and a loaded scenario answers any conversation. Never a 500,
never a hang (the profile's deadline)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import example, given
from hypothesis import strategies as st
from starlette.testclient import TestClient

from harness.model_server import Limits, create_app, load_scenario
from harness.model_server._engine import Conversation, Message, decide
from instrumentation import ConfigError
from tests.properties import json_values

_ENDPOINTS = {
    "/v1/chat/completions": {"model": "m", "messages": [{"role": "user", "content": "Where is my order ORD-1?"}]},
    "/v1/responses": {"model": "m", "input": [{"role": "user", "content": "refund"}]},
    "/v1/messages": {"model": "m", "max_tokens": 16, "messages": [{"role": "user", "content": "refund"}]},
    "/v1/messages/count_tokens": {"model": "m", "messages": [{"role": "user", "content": "refund"}]},
    "/v1/embeddings": {"model": "e", "input": ["refund"]},
}
_FIELDS = [
    "model", "messages", "input", "content", "role", "tools", "tool_calls", "stream", "max_tokens",
    "max_completion_tokens", "max_output_tokens", "temperature", "dimensions", "encoding_format", "system",
    "instructions", "stream_options", "function", "arguments", "name", "type", "call_id", "tool_call_id", "text",
]  # fmt: skip


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    app = create_app({"extends": "none"}, Limits(max_body_bytes=256 * 1024, body_timeout_s=2))
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def _spliced(skeleton: Any, path: list[int], replacement: Any) -> Any:
    """``skeleton`` with the node picked by walking ``path`` (indexes into its children) replaced."""
    if not path or not isinstance(skeleton, dict | list) or not skeleton:
        return replacement
    keys = list(skeleton) if isinstance(skeleton, dict) else list(range(len(skeleton)))
    key = keys[path[0] % len(keys)]
    copy = dict(skeleton) if isinstance(skeleton, dict) else list(skeleton)
    copy[key] = _spliced(skeleton[key], path[1:], replacement)  # type: ignore[index]
    return copy


def _with(body: Any, extra: dict[str, Any]) -> Any:
    return {**body, **extra} if isinstance(body, dict) else body


_near_misses = st.builds(
    lambda path, skeleton, replacement, extra: _with(_spliced(skeleton, path, replacement), extra),
    st.lists(st.integers(min_value=0, max_value=8), max_size=5),
    st.sampled_from(list(_ENDPOINTS.values())),
    json_values(),
    st.dictionaries(st.sampled_from(_FIELDS), json_values(max_leaves=6), max_size=2),
)
_bodies = st.one_of(
    _near_misses.map(lambda body: json.dumps(body).encode()),
    json_values().map(lambda value: json.dumps(value).encode()),
    st.dictionaries(st.sampled_from(_FIELDS), json_values(), max_size=6).map(lambda b: json.dumps(b).encode()),
    st.binary(max_size=300),
)


@given(st.sampled_from(sorted(_ENDPOINTS)), _bodies)
@example("/v1/chat/completions", b'{"model": "m", "messages": [{"role": "user", "content": 5}]}')
@example("/v1/chat/completions", b'{"model": "m", "max_tokens": -5, "messages": [{"role": "user", "content": "x"}]}')
@example("/v1/responses", b'{"model": "m", "input": [{"type": "function_call_output", "call_id": "c", "output": 3}]}')
@example(
    "/v1/messages",
    b'{"model": "m", "max_tokens": 9, "messages": [{"role": "user", "content": [{"type": "tool_result", "content": {}}]}]}',  # noqa: E501
)
@example("/v1/embeddings", b'{"model": "e", "input": [[1, 2], "x"]}')
def test_every_body_gets_an_answer_or_a_400_naming_its_field(client: TestClient, path: str, body: bytes) -> None:
    response = client.post(path, content=body, headers={"content-type": "application/json"})
    assert response.status_code in (200, 400), (response.status_code, response.text[:300])
    if response.status_code == 400:
        error = response.json()["error"]
        assert error["message"] and "Error:" not in error["message"]  # ours, not a Python exception's text
    elif "stream" not in body.decode(errors="replace"):
        assert response.json()


_SCENARIO_KEYS = ["extends", "models", "faults", "rules", "match", "kind", "answer", "call", "pattern", "contains",
                  "last", "tool", "first", "every", "status", "name"]  # fmt: skip
_scenario_keys = st.sampled_from(_SCENARIO_KEYS)
_scenario_docs = st.recursive(
    json_values(max_leaves=4),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_scenario_keys, inner, max_size=4)),
    max_leaves=16,
)
_near_rules = st.builds(
    lambda answer, pattern, contains: {"extends": "none", "rules": [{"answer": answer, "pattern": pattern,
                                                                      "contains": contains}]},
    st.text(alphabet="{}abc:>!r0123456789[]. ", max_size=16),
    st.one_of(st.none(), st.text(alphabet="()?P<>abc*+[]\\d{}", max_size=12)),
    st.lists(st.text(max_size=5), max_size=2),
)  # fmt: skip
_scenario_texts = st.one_of(
    _scenario_docs.map(lambda doc: yaml.safe_dump(doc).encode()),
    _near_rules.map(lambda doc: yaml.safe_dump(doc).encode()),
    st.binary(max_size=200),
    st.text(alphabet="[]{}:-&*!|>'\" \nab1", max_size=60).map(str.encode),
)


@given(_scenario_texts)
@example(b"[" * 5000 + b"]" * 5000)
@example(b"\xff\xfe\x00")
@example(b'rules: [{answer: "{x:>999999999999}"}]')
@example(b'rules: [{answer: "{x:>99999999}"}]')
@example(b"a: &a [*a, *a]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b, *b]")
@example(b"rules:\n- {call: {name: t, arguments: &a {k: [*a]}}}")
@example(b"rules:\n- {pattern: '[[a]', answer: x}")  # a FutureWarning, not a crash
def test_every_scenario_file_loads_or_is_refused_and_a_loaded_one_answers(
    tmp_path_factory: pytest.TempPathFactory, text: bytes
) -> None:
    path = Path(tmp_path_factory.getbasetemp()) / "scenario.yaml"
    path.write_bytes(text)
    try:
        scenario = load_scenario(path)
    except ConfigError as exc:
        assert str(path) in str(exc)
        return
    for last in ("Where is my order ORD-12?", "refund abc {x}"):
        messages = (Message("user", last), Message("tool", '{"a": 1, "b": [2]}', tool_name="abc"))
        for conversation in (Conversation("m", messages[:1]), Conversation("m", messages, frozenset({"abc"}))):
            reply = decide(scenario, conversation, lambda: "call_1")
            assert isinstance(reply.text, str) and len(reply.text) < 100_000
