"""One variant in its own process: set up the instrumentation, warm up, time calls and streams, report JSON."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

from benchmarks.peers._mock import MODEL, MockOpenAI
from benchmarks.peers._setups import SETUPS, CountingExporter
from instrumentation import semconv

SHORT, LONG = 4, 200
# What a span records: our names (the conventions'), then the peers' own (OpenInference's tokens, Logfire's
# cost), which are theirs to spell and so are not in semconv
RECORDS = {
    "tokens": (semconv.GEN_AI_USAGE_INPUT_TOKENS, "llm.token_count.prompt"),
    "cost": (semconv.GEN_AI_USAGE_COST_AMOUNT, "operation.cost", "gen_ai.usage.cost"),
    "TTFC": (semconv.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,),
}
MESSAGES = [{"role": "user", "content": "Say hello."}]


def _median_us(fn: Callable[[], object], loops: int, repeats: int, warmup: int) -> tuple[float, float]:
    """Median microseconds per call: CPU (process time, all threads: exporters' background work counts)
    and wall clock (what the caller waits)."""
    for _ in range(warmup):
        fn()
    cpu, wall = [], []
    for _ in range(repeats):
        start_cpu, start_wall = time.process_time(), time.perf_counter()
        for _ in range(loops):
            fn()
        cpu.append((time.process_time() - start_cpu) / loops * 1e6)
        wall.append((time.perf_counter() - start_wall) / loops * 1e6)
    return statistics.median(cpu), statistics.median(wall)


def run_worker(name: str, *, quick: bool) -> dict[str, Any]:
    mock = MockOpenAI((SHORT, LONG))
    client = mock.client()
    exporter = CountingExporter()
    flush = SETUPS[name](client, exporter)
    loops, repeats, warmup = (100, 3, 20) if quick else (600, 5, 200)

    def call() -> None:
        client.chat.completions.create(model=MODEL, messages=MESSAGES)

    def stream() -> None:
        options = {"include_usage": True}
        for _ in client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True, stream_options=options):
            pass

    call_us, call_wall_us = _median_us(call, loops, repeats, warmup)
    mock.chunks = SHORT
    short_us, _ = _median_us(stream, loops // 2, repeats, warmup // 2)
    mock.chunks = LONG
    long_us, _ = _median_us(stream, max(loops // 40, 5), repeats, max(warmup // 40, 2))
    made = (warmup + loops * repeats) + (warmup // 2 + loops // 2 * repeats)
    made += max(warmup // 40, 2) + max(loops // 40, 5) * repeats
    flush()
    spans = exporter.count
    return {
        "call_us": call_us,
        "call_wall_us": call_wall_us,
        "short_stream_us": short_us,
        "chunk_us": (long_us - short_us) / (LONG - SHORT),
        "spans_per_call": spans / made,
        "records": [what for what, names in RECORDS.items() if exporter.names.intersection(names)],
        "loops": loops,
        "repeats": repeats,
        "warmup": warmup,
        "short_chunks": SHORT,
        "long_chunks": LONG,
    }
