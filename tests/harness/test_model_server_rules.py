"""Scenario rules, the judge contract, the knowledge base, 4xx errors, the ASGI app in-process and the CLI."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import anthropic
import httpx2
import openai
import pytest

from harness.cli import main
from harness.model_server import (
    ServerHandle,
    create_app,
    judge,
    load_knowledge_base,
    load_orders,
    load_scenario,
    search_knowledge_base,
    serve,
)
from instrumentation.errors import ConfigError

TOOLS = [
    {"type": "function", "function": {"name": n, "parameters": {}}} for n in ("search_kb", "calculator", "escalate")
]


@pytest.fixture(scope="module")
def server() -> Iterator[ServerHandle]:
    with serve() as handle:
        yield handle


@pytest.fixture
def oai(server: ServerHandle) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.openai_base_url, api_key="k", max_retries=0)


def _first_call(client: openai.OpenAI, text: str, model: str = "gpt-4o") -> tuple[str, dict[str, object]]:
    message = (
        client.chat.completions.create(
            model=model,
            messages=[{"role": "user", "content": text}],
            tools=TOOLS,  # type: ignore[arg-type]
        )
        .choices[0]
        .message
    )
    call = message.tool_calls[0]  # type: ignore[index]
    return call.function.name, json.loads(call.function.arguments)  # type: ignore[union-attr]


def test_default_rules_pick_the_support_agent_tool(oai: openai.OpenAI) -> None:
    assert _first_call(oai, "What is 19.5 + 3?") == ("calculator", {"expression": "19.5 + 3"})
    assert _first_call(oai, "Let me talk to a real person") == (
        "escalate",
        {"reason": "Customer asked for a person: Let me talk to a real person"},
    )
    assert _first_call(oai, "My password does not work") == ("search_kb", {"query": "My password does not work"})


def test_search_result_turns_into_the_article_answer(oai: openai.OpenAI) -> None:
    question = "I forgot my password"
    name, arguments = _first_call(oai, question)
    messages = [
        {"role": "user", "content": question},
        {
            "role": "assistant",
            "tool_calls": [
                {"id": "c1", "type": "function", "function": {"name": name, "arguments": json.dumps(arguments)}}
            ],
        },
        {"role": "tool", "tool_call_id": "c1", "content": "reset-password: ..."},
    ]
    answer = oai.chat.completions.create(model="gpt-4o", messages=messages, tools=TOOLS).choices[0].message.content  # type: ignore[arg-type]
    assert answer == search_knowledge_base(question)[0].body and "Forgot password" in answer


def _run_tool(name: str, arguments: dict[str, object]) -> str:
    if name == "lookup_order":
        return json.dumps(load_orders()[str(arguments["order_id"])])
    if name == "search_kb":
        return json.dumps([article.id for article in search_knowledge_base(str(arguments["query"]))])
    return {"calculator": "84", "escalate": "ticket T-9"}[name]


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        (
            "Where is my order ORD-1001?",
            "Your wireless headphones order is shipped (carrier: UPS; expected: 2 business days).",
        ),
        ("What is 12 * 7?", "The result is 84."),
        ("How long does shipping take?", search_knowledge_base("shipping take")[0].body),
    ],
)
def test_support_agent_loop_with_every_tool(oai: openai.OpenAI, question: str, answer: str) -> None:
    all_tools = [*TOOLS, {"type": "function", "function": {"name": "lookup_order", "parameters": {}}}]
    history: list[dict[str, object]] = [{"role": "system", "content": "You are a support agent."}]
    history.append({"role": "user", "content": question})
    for _ in range(3):
        message = oai.chat.completions.create(model="gpt-4o", messages=history, tools=all_tools).choices[0].message  # type: ignore[arg-type]
        history.append(message.model_dump(exclude_none=True))
        if not message.tool_calls:
            break
        for call in message.tool_calls:
            result = _run_tool(call.function.name, json.loads(call.function.arguments))  # type: ignore[union-attr]
            history.append({"role": "tool", "tool_call_id": call.id, "content": result})
    assert history[-1]["content"] == answer
    assert len(history) == 5  # system, user, tool call, tool result, answer


def test_regressed_model_skips_tools_and_answers_vaguely(oai: openai.OpenAI) -> None:
    choice = oai.chat.completions.create(
        model="support-regressed",
        messages=[{"role": "user", "content": "refund?"}],
        tools=TOOLS,  # type: ignore[arg-type]
    ).choices[0]
    assert choice.finish_reason == "stop" and "not sure" in (choice.message.content or "")


def test_unknown_question_gets_the_no_answer_reply(oai: openai.OpenAI) -> None:
    content = (
        oai.chat.completions.create(model="m", messages=[{"role": "user", "content": "zxqv"}])
        .choices[0]
        .message.content
    )
    assert content is not None and content.startswith("I could not find an answer")


def test_custom_rules_come_first_with_variables_from_pattern_and_json_tool_result(tmp_path: Path) -> None:
    path = tmp_path / "scenario.yaml"
    path.write_text(
        """
rules:
  - name: weather
    pattern: 'weather in (?P<city>\\w+)'
    call: {name: get_weather, arguments: {city: "{city}", units: [c]}}
  - last: tool
    tool: get_weather
    answer: "It is {temp} degrees in {city}; you asked: {user}"
""",
        encoding="utf-8",
    )
    tools = [{"type": "function", "function": {"name": "get_weather", "parameters": {}}}]
    with serve(scenario=path) as server:
        client = openai.OpenAI(base_url=server.openai_base_url, api_key="k", max_retries=0)
        ask = [{"role": "user", "content": "What is the weather in Oslo?"}]
        call = client.chat.completions.create(model="m", messages=ask, tools=tools).choices[0].message.tool_calls[0]  # type: ignore[arg-type,index]
        assert json.loads(call.function.arguments) == {"city": "Oslo", "units": ["c"]}  # type: ignore[union-attr]
        result = {"role": "tool", "tool_call_id": call.id, "content": '{"temp": 4, "city": "Oslo"}'}
        history = [*ask, {"role": "assistant", "tool_calls": [call.model_dump()]}, result]
        answer = client.chat.completions.create(model="m", messages=history, tools=tools).choices[0].message.content  # type: ignore[arg-type]
        assert answer == "It is 4 degrees in Oslo; you asked: What is the weather in Oslo?"


def test_judge_contract_through_both_sdks(server: ServerHandle, oai: openai.OpenAI) -> None:
    prompt = "Expected keywords: refund, 30 days, receipt\n<answer>A full refund within 30 days.</answer>"
    verdict = json.loads(
        oai.chat.completions.create(model="judge-1", messages=[{"role": "user", "content": prompt}])
        .choices[0]
        .message.content
        or ""
    )
    assert verdict == {
        "score": 0.667,
        "reasoning": "Found 2 of 3 expected keywords (refund, 30 days); missing: receipt.",
    }
    claude = anthropic.Anthropic(base_url=server.anthropic_base_url, api_key="k", max_retries=0)
    block = claude.messages.create(
        model="judge-x", max_tokens=50, messages=[{"role": "user", "content": prompt}]
    ).content[0]
    assert block.type == "text" and json.loads(block.text)["score"] == 0.667


def test_judge_without_tags_or_keywords() -> None:
    assert json.loads(judge("expected: Refund\nYou get a REFUND."))["score"] == 1.0
    assert json.loads(judge("<answer>anything</answer>"))["score"] == 0.0


def test_knowledge_base_and_orders_are_loadable() -> None:
    articles = load_knowledge_base()
    assert 15 <= len(articles) <= 25 and len({a.id for a in articles}) == len(articles)
    assert search_knowledge_base("How long does shipping take?")[0].id == "shipping-times"
    assert search_knowledge_base("qqq") == []
    assert load_orders()["ORD-1001"]["status"] == "shipped"
    assert articles[0].summary == "You can request a full refund within 30 days of delivery."


def test_invalid_scenarios_name_the_field(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"faults\.0\.kind"):
        load_scenario({"faults": [{"kind": "explode"}]})
    with pytest.raises(ConfigError, match="exactly one of `call`"):
        load_scenario({"rules": [{"answer": "a", "call": {"name": "t"}}]})
    with pytest.raises(ConfigError, match="bad template"):
        load_scenario({"rules": [{"call": {"name": "t", "arguments": {"q": ["{unclosed"]}}}]})
    with pytest.raises(ConfigError, match="not a valid regular expression"):
        load_scenario({"rules": [{"pattern": "(", "answer": "a"}]})
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules: [", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad\.yaml: not valid YAML"):
        load_scenario(bad)
    assert load_scenario({"extends": "none"}).rules == ()
    assert len(load_scenario({"rules": [{"answer": "x"}]}).rules) == len(load_scenario().rules) + 1


@pytest.mark.parametrize(
    ("path", "body", "param", "fragment"),
    [
        ("/v1/chat/completions", b"{not json", None, "could not parse the JSON body"),
        ("/v1/chat/completions", b'{"messages": []}', "model", "Missing required parameter: 'model'"),
        ("/v1/chat/completions", b'{"model": "m", "messages": "hi"}', "messages", "expected an array"),
        ("/v1/chat/completions", b'{"model": "m", "messages": [{"role": "robot"}]}', "messages[0].role", "robot"),
        ("/v1/chat/completions", b'{"model": "m", "messages": [], "stream": 1}', "messages", "empty array"),
        ("/v1/responses", b'{"model": 3, "input": "x"}', "model", "expected a string"),
        ("/v1/embeddings", b'{"model": "e", "input": [1.5]}', "input", "Invalid 'input'"),
        (
            "/v1/chat/completions",
            b'{"model": "m", "messages": [{"role": "assistant", '
            b'"tool_calls": [{"function": {"name": "f", "arguments": {}}}]}]}',
            "messages[0].tool_calls[0].function.arguments",
            "expected a string",
        ),
        (
            "/v1/responses",
            b'{"model": "m", "input": [{"type": "function_call", "call_id": "c", "name": "f", "arguments": 5}]}',
            "input[0].arguments",
            "expected a string",
        ),
    ],
)
def test_openai_4xx_shape(server: ServerHandle, path: str, body: bytes, param: str | None, fragment: str) -> None:
    response = httpx2.post(server.anthropic_base_url + path, content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error" and error["param"] == param and fragment in error["message"]


def test_anthropic_4xx_shape_through_the_sdk(server: ServerHandle) -> None:
    claude = anthropic.Anthropic(base_url=server.anthropic_base_url, api_key="k", max_retries=0)
    with pytest.raises(anthropic.BadRequestError) as caught:
        claude.messages.create(model="c", max_tokens=5, messages=[{"role": "system", "content": "x"}])  # type: ignore[list-item]
    assert caught.value.body == {
        "type": "error",
        "error": {
            "type": "invalid_request_error",
            "message": "messages.0.role: Input should be 'user' or 'assistant'.",
        },
    }
    response = httpx2.post(server.anthropic_base_url + "/v1/messages", json={"model": "c", "messages": []})
    assert response.status_code == 400 and "max_tokens" in response.json()["error"]["message"]


def test_openai_sdk_raises_bad_request_with_param(oai: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        oai.chat.completions.create(model="m", messages=[{"role": "tool", "content": "x"}])  # type: ignore[list-item,typeddict-item]
    assert caught.value.param == "messages[0].tool_call_id"


def test_unknown_route_is_a_404_in_error_shape(server: ServerHandle) -> None:
    response = httpx2.post(server.openai_base_url + "/completions", json={})
    assert response.status_code == 404 and response.json()["error"]["message"].startswith("POST /v1/completions")


async def test_app_in_process_through_an_asgi_transport() -> None:
    transport = httpx2.ASGITransport(app=create_app({"models": [{"match": "m", "response_model": "m-2026"}]}))
    async with httpx2.AsyncClient(transport=transport) as http:
        client = openai.AsyncOpenAI(base_url="http://mock/v1", api_key="k", http_client=http)
        completion = await client.chat.completions.create(model="m", messages=[{"role": "user", "content": "refund"}])
    assert completion.model == "m-2026" and completion.choices[0].message.content


def test_cli_reports_a_broken_scenario_as_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "s.yaml"
    bad.write_text("faults: [{kind: nope}]", encoding="utf-8")
    assert main(["model-server", "--port", "0", "--scenario", str(bad)]) == 3
    assert "faults.0.kind" in capsys.readouterr().err


def test_cli_serves_the_sdk_on_a_free_port() -> None:
    command = [sys.executable, "-m", "harness.cli", "model-server", "--port", "0"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        banner = process.stdout.readline()
        base = re.search(r"OpenAI base_url (http://[^\s,]+)", banner)
        assert base is not None, banner
        client = openai.OpenAI(base_url=base.group(1), api_key="k", max_retries=0)
        reply = client.chat.completions.create(model="m", messages=[{"role": "user", "content": "refund"}])
        assert reply.choices[0].message.content == search_knowledge_base("refund")[0].body
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()
