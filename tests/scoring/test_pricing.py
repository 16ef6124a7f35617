"""Calls recorded without cost (other instrumentations' traces, ours without a price) are priced at load with the
price in force when each call started: genai-prices' prices change at a date or an hour of the day, and its
long-context tiers price every token of a large prompt higher. The figures are genai-prices' own."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from genai_prices import Usage, calc_price

from instrumentation import semconv
from scoring._clickhouse import ClickHouseEngine
from scoring._engine import Engine
from scoring._scope import scope_rows
from tests.scoring import _lake

# (start, provider, model, input tokens, cache read tokens, output tokens)
CALLS = [
    ("2026-03-14T10:00:00", "deepseek", "deepseek-chat", 1_000, 0, 100),  # from 00:30 to 16:30 UTC: the full price
    ("2026-03-14T20:00:00", "deepseek", "deepseek-chat", 1_000, 0, 100),  # off-peak: half of it
    ("2026-03-14T00:29:59", "deepseek", "deepseek-chat", 1_000, 0, 100),  # a second before the full price
    ("2026-03-12T10:00:00", "anthropic", "claude-sonnet-4-6", 300_000, 50_000, 1_000),  # its long-context tier
    ("2026-03-12T10:00:00", "anthropic", "claude-sonnet-4-6", 150_000, 0, 1_000),  # below the tier
    ("2026-03-13T00:00:00", "anthropic", "claude-sonnet-4-6", 300_000, 50_000, 1_000),  # one flat price from then
]


def _write(home: Path) -> None:
    writer = _lake.SpanWriter(home, "support")
    for start, provider, model, tokens, cached, output in CALLS:
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
            },
        )
    writer.close()


def _expected() -> list[tuple[str, str, int, float]]:
    rows = []
    for start, provider, model, tokens, cached, output in CALLS:
        usage = Usage(input_tokens=tokens, cache_read_tokens=cached, output_tokens=output)
        price = calc_price(usage, model, provider_id=provider, genai_request_timestamp=_lake.t(start))
        rows.append((start, model, tokens, float(price.total_price)))
    return sorted(rows)


def _costs(engine: Engine | ClickHouseEngine) -> list[tuple[str, str, int, float]]:
    rows = engine.rows("stg_llm_calls")
    return sorted(
        (datetime.isoformat(row["ts"].replace(tzinfo=None)), row["model"], row["input_tokens"], row["cost"])
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
        rows = scope_rows(engine, [], _lake.SCOPE)
        engine.set_scope(_lake.SCOPE.since, _lake.SCOPE.until, _lake.SCOPE.env, rows)
        got = _costs(engine)
    finally:
        engine.close()
    expected = _expected()
    assert [row[:3] for row in got] == [row[:3] for row in expected]
    for (start, model, _, cost), (_, _, _, want) in zip(got, expected, strict=True):
        assert cost == pytest.approx(want, rel=1e-12), (start, model)
    assert len({row[3] for row in expected}) == len(expected) - 1  # only the two off-peak calls cost the same
