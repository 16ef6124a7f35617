"""The demo's steps, kept apart from argument parsing."""

from __future__ import annotations

import duckdb

import instrumentation
from instrumentation import semconv
from instrumentation.lake import traces_glob

_CALLS = (
    ("ticket-summary", "gpt-4o-mini", "openai", 1200, 180, 1024, 0, 0),
    ("ticket-summary", "gpt-4o-mini", "openai", 900, 150, 0, 0, 0),
    ("refund-triage", "claude-3-5-haiku-latest", "anthropic", 2400, 300, 2000, 200, 0),
    ("refund-triage", "o3-mini", "openai", 700, 900, 0, 0, 640),
)


def run_demo(home: str | None = None) -> int:
    telemetry = instrumentation.configure("harness-demo", home=home, service_version="demo", set_global=False)
    for feature_name, model, provider, tokens_in, tokens_out, cache_read, cache_write, reasoning in _CALLS:
        with (
            instrumentation.feature(feature_name),
            instrumentation.llm_call(model, provider=provider, telemetry=telemetry) as call,
        ):
            call.record_usage(tokens_in, tokens_out, cache_read, cache_write, reasoning)
            call.set_response(model=model, finish_reasons=["stop"])
    telemetry.shutdown()
    lake = telemetry.settings.lake_dir
    rows = duckdb.execute(
        """
        SELECT SpanAttributes[$feature] AS feature,
               count(*) AS calls,
               sum(TRY_CAST(SpanAttributes[$cost] AS DOUBLE)) AS cost_usd
        FROM read_parquet($glob, hive_partitioning = true)
        WHERE ServiceName = 'harness-demo'
        GROUP BY ALL ORDER BY feature
        """,
        {"feature": semconv.HARNESS_FEATURE, "cost": semconv.GEN_AI_USAGE_COST_AMOUNT, "glob": traces_glob(lake)},
    ).fetchall()
    print("harness demo (foundation slice: manual LLM spans -> Parquet lake -> DuckDB)")
    for feature_name, calls, cost in rows:
        print(f"  {feature_name:<16} {calls:>4} calls  ${cost:.6f}")
    print(f"lake: {lake}")
    return 0
