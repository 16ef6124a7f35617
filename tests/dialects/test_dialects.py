"""Traces written by other instrumentations score like ours (scoring/sql/tables/dialect_attributes.sql).

Each rival runs, in a virtualenv of its own (``make dialect-venvs``: ``.venv-dialect-NAME`` from
``tests/dialects/requirements-NAME.txt``, with the project lock as constraints), the same traffic
(``traffic.py``) with the real ``openai`` client against the local model server, exporting OTLP/HTTP to
``harness collect``. Our own wrapper runs the same traffic into a lake of its own. The scorecard's calls,
tokens (cached and reasoning), cost, errors, latency, features and agent trajectories must agree, up to
what a rival's spans do not carry (each exception is named below and in docs/dialects.md).
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import scoring
from harness.collect import serve as collect
from harness.model_server import ServerHandle, serve
from instrumentation import PriceBook, Rates

ROOT = Path(__file__).resolve().parents[2]
TRAFFIC = Path(__file__).with_name("traffic.py")
DIALECTS = ("official", "official-v2", "openllmetry", "openinference", "logfire")
REQUIRED = os.environ.get("HARNESS_DIALECT_VENVS") == "required"  # make test sets it: a missing venv fails
SCENARIO = """
models:
  - {match: "gpt-4o-mini", response_model: gpt-4o-mini-2024-07-18, cache_read_tokens: 48, reasoning_tokens: 8}
"""
CALLS_SQL = """
SELECT count(*) AS calls, count(*) FILTER (WHERE is_error) AS errors,
    CAST(sum(input_tokens) AS BIGINT) AS input_tokens, CAST(sum(output_tokens) AS BIGINT) AS output_tokens,
    CAST(sum(cache_read_tokens) AS BIGINT) AS cache_read_tokens,
    CAST(sum(reasoning_tokens) AS BIGINT) AS reasoning_tokens,
    sum(cost) AS cost, count(cost) AS priced, min(duration_ms) AS fastest_ms,
    count(DISTINCT provider) AS providers, count(DISTINCT model) FILTER (WHERE NOT is_error) AS models
FROM stg_llm_calls
"""
FEATURES_SQL = "SELECT feature, cost_usd, calls FROM met_cost_per_feature ORDER BY feature"
TIERED_SQL = """
SELECT service_tier, model, input_tokens, cache_read_tokens, output_tokens, cost, feature
FROM stg_llm_calls WHERE service_tier IS NOT NULL AND service_tier <> 'default'
"""
AGENTS_SQL = """
SELECT r.agent_name, count(s.span_key) AS tool_steps, string_agg(s.tool_name, ',') AS tools
FROM stg_agent_runs AS r LEFT JOIN stg_agent_steps AS s ON s.parent_key = r.span_key
GROUP BY r.agent_name
"""
# What a rival's spans do not carry (so scoring cannot know it either); see docs/dialects.md.
NO_CACHE_OR_REASONING = {"official-v2"}  # pre-1.37 conventions: no cache or reasoning counts on chat spans
STREAM_REASONING_DROPPED = {"openllmetry"}  # its stream spans lose completion_tokens_details
REASONING_IN_RAW_JSON_ONLY = {"logfire"}  # gen_ai.usage.raw holds them: JSON is outside the portable SQL
NO_AGENT_SPANS = {"official-v2", "logfire"}  # neither has an agent or tool span of its own
STREAM_AS_TWO_RECORDS = {"logfire"}  # a stream: a request span without usage plus a log record with it
NO_SERVICE_TIER = {"openinference", "logfire"}  # only in JSON: the priority call is priced at the standard price


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerHandle]:
    scenario = tmp_path_factory.mktemp("scenario") / "scenario.yaml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    with serve(scenario=scenario) as handle:
        yield handle


def _run(python: Path, dialect: str, server: ServerHandle, *options: str) -> None:
    server.reset()
    command = [str(python), str(TRAFFIC), dialect, "--base-url", server.openai_base_url, *options]
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "HARNESS_", "PYTEST"))}
    environment["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, env=environment, check=False)
    assert done.returncode == 0, f"{dialect} traffic failed:\n{done.stderr[-3000:]}"


def _scored(home: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setenv("HARNESS_FEATURE_ATTRIBUTE", "app.feature")
    calls = scoring.query(CALLS_SQL, home=home, cache=False).to_dicts()[0]
    features = scoring.query(FEATURES_SQL, home=home, cache=False).to_dicts()
    agents = scoring.query(AGENTS_SQL, home=home, cache=False).to_dicts()
    latency = scoring.metric("latency", home=home, cache=False).to_dicts()
    tiered = scoring.query(TIERED_SQL, home=home, cache=False).to_dicts()
    return {"calls": calls, "features": features, "agents": agents, "latency": latency, "tiered": tiered}


@pytest.fixture(scope="module")
def ours(server: ServerHandle, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    home = tmp_path_factory.mktemp("harness")
    _run(Path(sys.executable), "harness", server, "--home", str(home))
    with pytest.MonkeyPatch.context() as monkeypatch:
        return _scored(home, monkeypatch)


def test_our_traffic_is_what_the_rivals_are_compared_with(ours: dict[str, Any]) -> None:
    calls = ours["calls"]
    assert (calls["calls"], calls["errors"], calls["priced"], calls["providers"], calls["models"]) == (5, 1, 4, 1, 1)
    assert calls["cache_read_tokens"] == 4 * 48 and calls["reasoning_tokens"] == 4 * 8
    assert [(f["feature"], f["calls"]) for f in ours["features"]] == [("order-status", 3), ("ticket-summary", 2)]
    assert ours["agents"] == [{"agent_name": "support-desk", "tool_steps": 1, "tools": "lookup_order"}]
    [priority] = ours["tiered"]  # the one call at the priority tier, priced at its price (1.67 times the standard)
    assert (priority["service_tier"], priority["feature"]) == ("priority", "ticket-summary")
    assert priority["cost"] == pytest.approx(_standard_cost(priority) * 0.25 / 0.15, rel=1e-9)


def _price(tier: str | None) -> Rates:
    """gpt-4o-mini's rates now at that service tier (the model server answers it as gpt-4o-mini-2024-07-18)."""
    price = PriceBook.from_file(None).lookup("openai", "gpt-4o-mini-2024-07-18", service_tier=tier)
    assert price is not None
    return price.base


def _standard_cost(call: dict[str, Any]) -> float:
    """The call's cost at the standard price."""
    rates, cached = _price(None), call["cache_read_tokens"] or 0
    assert rates.cache_read is not None
    return (
        (call["input_tokens"] - cached) * rates.input + cached * rates.cache_read + call["output_tokens"] * rates.output
    )


def _venv_python(dialect: str) -> Path:
    python = ROOT / f".venv-dialect-{dialect}" / "bin" / "python"
    if not python.exists():
        message = f"{python.parent.parent.name} missing: `make dialect-venvs` makes it"
        if REQUIRED:
            pytest.fail(message)
        pytest.skip(message)
    return python


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_rivals_traces_score_like_ours(
    dialect: str, ours: dict[str, Any], server: ServerHandle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    python = _venv_python(dialect)
    with collect(tmp_path / "lake") as receiver:
        _run(python, dialect, server, "--otlp", receiver.traces_url)
    theirs = _scored(tmp_path, monkeypatch)
    expected = _expected(dialect, ours)
    got = theirs["calls"]
    for key in ("calls", "errors", "input_tokens", "output_tokens", "cache_read_tokens", "reasoning_tokens", "priced"):
        assert got[key] == expected[key], f"{dialect}: {key} {got[key]} != {expected[key]}"
    assert (got["providers"], got["models"]) == (1, 2 if dialect in STREAM_AS_TWO_RECORDS else 1)  # + the request's
    assert math.isclose(got["cost"], expected["cost"], rel_tol=1e-9), f"{dialect}: cost {got['cost']}"
    assert got["fastest_ms"] is not None and theirs["latency"][0]["p50"] > 0
    assert [f["feature"] for f in theirs["features"]] == ["order-status", "ticket-summary"]
    for mine, their in zip(ours["features"], theirs["features"], strict=True):
        if dialect not in NO_CACHE_OR_REASONING:
            want = mine["cost_usd"] - (_priority_premium(ours) if dialect in NO_SERVICE_TIER else 0.0) * (
                mine["feature"] == "ticket-summary"
            )
            assert math.isclose(their["cost_usd"], want, rel_tol=1e-9), f"{dialect}: {their}"
    assert len(theirs["tiered"]) == (0 if dialect in NO_SERVICE_TIER else 1), f"{dialect}: {theirs['tiered']}"
    assert theirs["agents"] == ([] if dialect in NO_AGENT_SPANS else ours["agents"])


def _expected(dialect: str, ours: dict[str, Any]) -> dict[str, Any]:
    expected = dict(ours["calls"])
    if dialect in NO_CACHE_OR_REASONING:  # priced as if nothing was read from cache: the span does not say
        standard, priority = (_price(tier) for tier in (None, "priority"))
        input_tokens, output_tokens = expected["input_tokens"], expected["output_tokens"]
        expected["cost"] = input_tokens * standard.input + output_tokens * standard.output
        [call] = ours["tiered"]  # the priority call, which it says was served at that tier
        expected["cost"] += call["input_tokens"] * (priority.input - standard.input)
        expected["cost"] += call["output_tokens"] * (priority.output - standard.output)
        expected["cache_read_tokens"] = expected["reasoning_tokens"] = None
    if dialect in REASONING_IN_RAW_JSON_ONLY:
        expected["reasoning_tokens"] = None
    if dialect in STREAM_REASONING_DROPPED:
        expected["reasoning_tokens"] -= 8
    if dialect in STREAM_AS_TWO_RECORDS:  # the stream's request span is a call of its own, without usage
        expected["calls"] += 1
    if dialect in NO_SERVICE_TIER:  # the priority call at the standard price
        expected["cost"] -= _priority_premium(ours)
    return expected


def _priority_premium(ours: dict[str, Any]) -> float:
    """What our priority call costs above the standard price."""
    [priority] = ours["tiered"]
    return float(priority["cost"]) - _standard_cost(priority)
