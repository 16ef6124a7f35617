"""Calls recorded without cost (other instrumentations' traces, ours without a price) are priced at load with the
price in force when each call started: genai-prices' prices change at a date or an hour of the day, and its
long-context tiers price every token of a large prompt higher; a call served at a service tier with a price of
its own (OpenAI's flex, priority) is priced at it. The figures are genai-prices' own."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from genai_prices import Usage, calc_price

from instrumentation import semconv
from scoring._clickhouse import ClickHouseEngine
from scoring._engine import Engine
from tests.scoring import _lake

_SERVED = semconv.OPENAI_RESPONSE_SERVICE_TIER
_SERVED_BEFORE_1_37 = semconv.GEN_AI_OPENAI_RESPONSE_SERVICE_TIER
_ASKED = semconv.OPENAI_REQUEST_SERVICE_TIER
_ASKED_BEFORE_1_37 = semconv.GEN_AI_OPENAI_REQUEST_SERVICE_TIER
_SPEED = semconv.HARNESS_ANTHROPIC_SPEED
# (start, provider, model, input tokens, cache read tokens, output tokens[, service tier attributes])
CALLS: list[tuple[Any, ...]] = [
    ("2026-03-14T10:00:00", "deepseek", "deepseek-chat", 1_000, 0, 100),  # from 00:30 to 16:30 UTC: the full price
    ("2026-03-14T20:00:00", "deepseek", "deepseek-chat", 1_000, 0, 100),  # off-peak: half of it
    ("2026-03-14T00:29:59", "deepseek", "deepseek-chat", 1_000, 0, 100),  # a second before the full price
    ("2026-03-14T00:30:00", "deepseek", "deepseek-chat", 1_000, 0, 100),  # its first second
    ("2026-03-14T16:29:59.999999", "deepseek", "deepseek-chat", 1_000, 0, 100),  # its last microsecond
    ("2026-03-14T16:30:00", "deepseek", "deepseek-chat", 1_000, 0, 100),  # off-peak again
    ("1969-12-31T23:59:59.900000", "deepseek", "deepseek-chat", 1_000, 0, 100),  # before 1970: off-peak
    ("1969-12-31T23:59:59.900000", "openai", "gpt-4o-mini", 1_000, 0, 100),  # before 1970: its one price
    ("2026-03-12T10:00:00", "anthropic", "claude-sonnet-4-6", 300_000, 50_000, 1_000),  # its long-context tier
    ("2026-03-12T10:00:00", "anthropic", "claude-sonnet-4-6", 150_000, 0, 1_000),  # below the tier
    ("2026-03-12T11:00:00", "anthropic", "claude-sonnet-4-6", 200_000, 0, 0),  # the tier's edge: still below it
    ("2026-03-12T11:00:00", "anthropic", "claude-sonnet-4-6", 200_001, 0, 0),  # one token more: every one in it
    ("2026-03-12T23:59:59.999999", "anthropic", "claude-sonnet-4-6", 300_000, 50_000, 1_000),  # its last tiered moment
    ("2026-03-13T00:00:00", "anthropic", "claude-sonnet-4-6", 300_000, 50_000, 1_000),  # one flat price from then
    # gpt-5-mini has flex (half) and priority (1.8 times) prices from 2026-10-12 on
    ("2026-11-02T10:00:00", "openai", "gpt-5-mini", 10_001, 2_000, 500, {_SERVED: "flex"}),
    ("2026-11-02T10:00:00", "openai", "gpt-5-mini", 10_002, 2_000, 500, {_SERVED: "priority"}),
    ("2026-11-02T10:00:00", "openai", "gpt-5-mini", 10_003, 2_000, 500, {_SERVED: "default"}),
    ("2026-11-02T10:00:00", "openai", "gpt-5-mini", 10_004, 2_000, 500),  # no tier: the standard price
    ("2026-11-02T10:00:00", "openai", "gpt-5-mini", 10_005, 2_000, 500, {_SERVED: "scale"}),  # none of its own
    ("2026-11-02T10:00:00", "openai", "gpt-5-mini", 10_006, 2_000, 500, {_SERVED_BEFORE_1_37: "flex"}),
    ("2026-11-02T10:00:00", "openai", "gpt-5-mini", 10_007, 2_000, 500, {_ASKED: "priority"}),  # only as asked
    ("2026-11-02T10:00:00", "openai", "gpt-5-mini", 10_008, 2_000, 500, {_SERVED: "default", _ASKED: "flex"}),
    ("2026-10-11T23:59:59", "openai", "gpt-5-mini", 10_009, 2_000, 500, {_SERVED: "flex"}),  # before its flex price
    ("2026-10-12T00:00:00", "openai", "gpt-5-mini", 10_010, 2_000, 500, {_SERVED: "flex"}),  # its first second
    ("2026-11-02T10:00:00", "openai", "gpt-5-mini", 10_011, 2_000, 500, {_ASKED_BEFORE_1_37: "flex"}),  # openai-v2
    ("2026-11-02T10:00:00", "openai", "gpt-5-mini", 10_012, 2_000, 500, {_SERVED: "", _ASKED: "flex"}),  # says none
    # claude-opus-4-8 in fast mode costs twice its standard price
    ("2026-11-02T10:00:00", "anthropic", "claude-opus-4-8", 20_001, 0, 500, {_SPEED: "fast"}),
    ("2026-11-02T10:00:00", "anthropic", "claude-opus-4-8", 20_002, 0, 500, {_SPEED: "standard"}),
    ("2026-11-02T10:00:00", "anthropic", "claude-opus-4-8", 20_003, 0, 500),
]


def _context(attributes: dict[str, str]) -> dict[str, str] | None:
    """What a call is priced by: the tier that served it (either name), else the one asked for (either name; an
    empty one says nothing); its speed mode."""
    names = (_SERVED, _SERVED_BEFORE_1_37, _ASKED, _ASKED_BEFORE_1_37)
    tier = next((attributes[name] for name in names if attributes.get(name)), None)
    context = {"service_tier": tier, "speed": attributes.get(_SPEED)}
    return {key: value for key, value in context.items() if value} or None


def _write(home: Path) -> None:
    writer = _lake.SpanWriter(home, "support")
    for start, provider, model, tokens, cached, output, *tier in CALLS:
        writer.llm(
            start,
            500,
            **{
                semconv.GEN_AI_PROVIDER_NAME: provider,
                semconv.GEN_AI_REQUEST_MODEL: model,
                semconv.GEN_AI_RESPONSE_MODEL: None,
                semconv.GEN_AI_USAGE_INPUT_TOKENS: tokens,
                semconv.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS: cached or None,
                semconv.GEN_AI_USAGE_OUTPUT_TOKENS: output,
                **(tier[0] if tier else {}),
            },
        )
    writer.close()


def _expected() -> list[tuple[str, str, int, float]]:
    rows = []
    for start, provider, model, tokens, cached, output, *tier in CALLS:
        usage = Usage(input_tokens=tokens, cache_read_tokens=cached, output_tokens=output)
        context = _context(tier[0]) if tier else None
        at = _lake.t(start)
        price = calc_price(usage, model, provider_id=provider, genai_request_timestamp=at, price_context=context)
        rows.append((start, model, tokens, float(price.total_price)))
    return sorted(rows)


_PRICED = "SELECT ts, request_model AS model, input_tokens, priced_cost FROM spans"  # the window's and before 1970


def _costs(engine: Engine | ClickHouseEngine) -> list[tuple[str, str, int, float]]:
    if isinstance(engine, Engine):
        cursor = engine.conn.execute(_PRICED)
        rows = [dict(zip([d[0] for d in cursor.description or []], row, strict=True)) for row in cursor.fetchall()]
    else:
        rows = engine.client.arrow(_PRICED).to_pylist()
    return sorted(
        (datetime.isoformat(row["ts"].replace(tzinfo=None)), row["model"], row["input_tokens"], row["priced_cost"])
        for row in rows
    )


@pytest.mark.parametrize("kind", ["duckdb", "chdb"])
def test_unrecorded_cost_is_priced_at_the_time_of_each_call_with_its_tier(tmp_path: Path, kind: str) -> None:
    home = tmp_path / ".harness"
    _write(home)
    engine: Engine | ClickHouseEngine
    if kind == "duckdb":
        engine = Engine(home / "lake", home / "harness.duckdb")
    else:
        pytest.importorskip("chdb")
        engine = ClickHouseEngine.open(None, home / "lake")
    try:
        got = _costs(engine)
    finally:
        engine.close()
    expected = _expected()
    assert [row[:3] for row in got] == [row[:3] for row in expected]
    for (start, model, _, cost), (_, _, _, want) in zip(got, expected, strict=True):
        assert cost == pytest.approx(want, rel=1e-12), (start, model)
    # each edge is crossed: the full price doubles the off-peak one, the tier doubles the input rate, and on
    # 2026-03-13 the tier went away
    cost = {(start, model, tokens): want for start, model, tokens, want in expected}
    chat = "deepseek-chat"
    assert cost[("2026-03-14T00:30:00", chat, 1_000)] == pytest.approx(2 * cost[("2026-03-14T00:29:59", chat, 1_000)])
    assert cost[("2026-03-14T16:29:59.999999", chat, 1_000)] == cost[("2026-03-14T00:30:00", chat, 1_000)]
    assert cost[("2026-03-14T16:30:00", chat, 1_000)] == cost[("2026-03-14T00:29:59", chat, 1_000)]
    sonnet = "claude-sonnet-4-6"
    rate = {n: cost[("2026-03-12T11:00:00", sonnet, n)] / n for n in (200_000, 200_001)}
    assert rate[200_001] == pytest.approx(2 * rate[200_000])
    assert cost[("2026-03-12T23:59:59.999999", sonnet, 300_000)] > cost[("2026-03-13T00:00:00", sonnet, 300_000)]
    per_token = {n: want / n for (start, model, n), want in cost.items() if model == "gpt-5-mini"}
    standard = per_token[10_004]
    assert per_token[10_001] == pytest.approx(standard / 2, rel=1e-3)  # flex
    assert per_token[10_002] == pytest.approx(standard * 1.8, rel=1e-3)  # priority
    for same in (10_003, 10_005, 10_008):  # default, scale (no price of its own), default though flex was asked
        assert per_token[same] == pytest.approx(standard, rel=1e-3)
    assert per_token[10_006] == pytest.approx(per_token[10_001], rel=1e-3)  # flex under the older name
    assert per_token[10_007] == pytest.approx(per_token[10_002], rel=1e-3)  # priority as asked
    assert per_token[10_009] == pytest.approx(standard, rel=1e-3) and per_token[10_010] < standard
    for asked in (10_011, 10_012):  # flex as asked: under its pre-1.37 name, and beside an empty served tier
        assert per_token[asked] == pytest.approx(per_token[10_001], rel=1e-3)
    opus = {n: want / n for (start, model, n), want in cost.items() if model == "claude-opus-4-8"}
    assert opus[20_001] == pytest.approx(2 * opus[20_003], rel=1e-3)  # fast mode
    assert opus[20_002] == pytest.approx(opus[20_003], rel=1e-3)
