"""Scorecard speed and memory over 1M and 10M realistic spans.

Generates agent traces (invoke_agent -> chat / execute_tool), eval cases with evaluation events,
gates, deployments, changes, incidents and audit requests directly as Parquet segments in the
lake layout (vectorised pyarrow; cached under $HARNESS_BENCH_DIR, default /tmp/harness-bench),
then times the whole scorecard in a fresh process, side by side on DuckDB and on chDB over the same
spans: cold (DuckDB builds HARNESS_HOME/harness.duckdb from the raw segments; chDB loads its staging
tables from the Parquet) and warm (DuckDB: the materialised staging table is current; chDB keeps
nothing between runs, so its warm run differs only by the OS page cache), with peak RSS.

    .venv/bin/python -m benchmarks.scoring                      # 10M spans, both engines
    .venv/bin/python -m benchmarks.scoring --spans 1000000,10000000 --engines duckdb

``--baseline CHECKOUT`` then times, on DuckDB over the same lake, the code of another revision beside this one:
one cold run of the baseline (its staging database lives in a home of its own, ``scoring-N-baseline``, whose
lake is this one's), then ``--rounds`` warm runs of each, alternating, so both meet the same background load, then
each after one new segment, after that segment vanished, and after a compaction merged two loaded segments:

    git worktree add --detach /tmp/baseline REV
    .venv/bin/python -m benchmarks.scoring --engines duckdb --baseline /tmp/baseline
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from benchmarks._timing import in_fresh_process
from instrumentation import semconv as sc
from instrumentation.lake import TRACES_SCHEMA, compact, compacted_from

DAYS = 90
START = datetime(2026, 1, 1, tzinfo=UTC)
SERVICES = ["support-agent", "search", "summariser", "triage", "billing-bot"]
FEATURES = ["ticket-summary", "search", "triage", "refund", "faq"]
MODELS = ["gpt-4o-mini", "gpt-4o", "claude-sonnet-4", "house-model"]
TOOLS = ["lookup_order", "search_kb", "refund", "escalate"]
# span mix per trace: 1 invoke_agent, 5 chat, 3 execute_tool, 1 other
CHAT, TOOL, OTHER = 5, 3, 1
PER_TRACE = 1 + CHAT + TOOL + OTHER
_MAP = pa.map_(pa.string(), pa.string())


_HEX_DIGITS = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


def _hex(rng: np.random.Generator, n: int, digits: int) -> pa.Array:
    """``n`` random lower-case hex strings of ``digits`` characters, built as one Arrow buffer."""
    raw = rng.integers(0, 256, size=(n, digits // 2), dtype=np.uint8)
    chars = np.empty((n, digits), dtype=np.uint8)
    chars[:, 0::2] = _HEX_DIGITS[raw >> 4]
    chars[:, 1::2] = _HEX_DIGITS[raw & 15]
    offsets = pa.py_buffer((np.arange(n + 1, dtype=np.int32) * digits).tobytes())
    return pa.Array.from_buffers(pa.string(), n, [None, offsets, pa.py_buffer(chars.tobytes())])


def _map(columns: dict[str, pa.Array], n: int) -> pa.Array:
    """A MAP column from equal-length value columns (null values drop the key for that row)."""
    keys = list(columns)
    k = len(keys)
    values = pa.concat_arrays([pc.cast(columns[key], pa.string()) for key in keys])
    order = (np.arange(k)[None, :] * n + np.arange(n)[:, None]).ravel()
    values = pc.take(values, pa.array(order))
    key_array = pc.take(pa.array(keys), pa.array(np.tile(np.arange(k), n)))
    valid = pc.is_valid(values)
    counts = np.asarray(pc.cast(valid, pa.int32())).reshape(n, k).sum(axis=1)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    return pa.MapArray.from_arrays(pa.array(offsets), key_array.filter(valid), values.filter(valid))


def _pick(rng: np.random.Generator, options: list[str], n: int, p: list[float] | None = None) -> pa.Array:
    return pc.take(pa.array(options), pa.array(rng.choice(len(options), size=n, p=p)))


def _maybe(rng: np.random.Generator, array: pa.Array, present: float) -> pa.Array:
    mask = pa.array(rng.random(len(array)) >= present)
    return pc.if_else(mask, pa.scalar(None, array.type), array)


def _empty_lists(n: int, column: str) -> pa.Array:
    list_type = TRACES_SCHEMA.field(column).type
    offsets = pa.array(np.zeros(n + 1, dtype=np.int32))
    return pa.ListArray.from_arrays(offsets, pa.array([], list_type.value_type))


def _day_table(rng: np.random.Generator, day: int, traces: int) -> pa.Table:
    n = traces * PER_TRACE
    base = int((START + timedelta(days=day)).timestamp() * 1e9)
    trace_start = base + np.sort(rng.integers(0, 86_400 * 10**9, size=traces))
    trace_ids = _hex(rng, traces, 32)
    span_ids = _hex(rng, n, 16)
    kind_of = np.tile(np.array([0] + [1] * CHAT + [2] * TOOL + [3] * OTHER), traces)
    trace_of = np.repeat(np.arange(traces), PER_TRACE)
    root_index = trace_of * PER_TRACE
    parent = pc.take(span_ids, pa.array(root_index))
    parent = pc.if_else(pa.array(kind_of == 0), pa.scalar(""), parent)
    duration = np.where(kind_of == 1, rng.lognormal(6.5, 0.6, n), rng.lognormal(4.0, 1.0, n)) * 1e6
    duration[kind_of == 0] *= 6
    offset = (np.tile(np.arange(PER_TRACE), traces) * 50_000_000).astype(np.int64)
    timestamps = trace_start[trace_of] + offset
    service = pc.take(_pick(rng, SERVICES, traces), pa.array(trace_of))
    feature = _maybe(rng, pc.take(_pick(rng, FEATURES, traces), pa.array(trace_of)), 0.97)
    model = _pick(rng, MODELS, n, [0.5, 0.2, 0.2, 0.1])
    input_tokens = pa.array(rng.integers(200, 4000, n))
    output_tokens = pa.array(rng.integers(20, 800, n))
    cost = pa.array(np.round((np.asarray(input_tokens) * 0.15 + np.asarray(output_tokens) * 0.6) / 1e6, 8))
    status = pc.take(pa.array(["Unset", "Error"]), pa.array((rng.random(n) < 0.02).astype(np.int64)))
    op = pc.take(pa.array([sc.OP_INVOKE_AGENT, sc.OP_CHAT, sc.OP_EXECUTE_TOOL, None]), pa.array(kind_of))
    is_chat = pa.array(kind_of == 1)
    is_agent = pa.array(kind_of == 0)
    is_tool = pa.array(kind_of == 2)

    def only(mask: pa.Array, array: pa.Array) -> pa.Array:
        return pc.if_else(mask, array, pa.scalar(None, array.type))

    attributes = _map(
        {
            sc.GEN_AI_OPERATION_NAME: op,
            sc.GEN_AI_PROVIDER_NAME: only(is_chat, pa.array(np.full(n, "openai"))),
            sc.GEN_AI_REQUEST_MODEL: only(is_chat, model),
            sc.GEN_AI_RESPONSE_MODEL: only(is_chat, model),
            sc.GEN_AI_USAGE_INPUT_TOKENS: only(is_chat, input_tokens),
            sc.GEN_AI_USAGE_OUTPUT_TOKENS: only(is_chat, output_tokens),
            sc.GEN_AI_USAGE_COST_AMOUNT: only(is_chat, _maybe(rng, cost, 0.95)),
            sc.GEN_AI_PROMPT_VERSION: only(is_chat, pa.array(np.full(n, "v3"))),
            sc.GEN_AI_TOOL_NAME: only(is_tool, _pick(rng, TOOLS, n)),
            sc.GEN_AI_AGENT_NAME: only(is_agent, pa.array(np.full(n, "support"))),
            sc.HARNESS_AGENT_TERMINATION: only(
                is_agent, _pick(rng, ["completed", "max_steps", "error"], n, [0.9, 0.07, 0.03])
            ),
            sc.HARNESS_AGENT_ROLLUP_STEPS: only(is_agent, pa.array(np.full(n, CHAT + TOOL))),
            sc.HARNESS_AGENT_ROLLUP_TOOL_CALLS: only(is_agent, pa.array(np.full(n, TOOL))),
            sc.HARNESS_AGENT_ROLLUP_RETRIES: only(is_agent, pa.array(rng.poisson(0.2, n))),
            sc.HARNESS_FEATURE: feature,
            sc.HTTP_ROUTE: only(pa.array(kind_of == 3), pa.array(np.full(n, "/v1/tickets"))),
        },
        n,
    )
    resource_map = _map(
        {sc.SERVICE_NAME: service, sc.DEPLOYMENT_ENVIRONMENT_NAME: pa.array(np.full(n, "production"))}, n
    )
    subject = pc.if_else(
        is_chat, model, pc.if_else(is_tool, pa.array(np.full(n, "tool")), pa.array(np.full(n, "support")))
    )
    names = pc.binary_join_element_wise(op.fill_null("GET"), subject, " ")
    return pa.table(
        {
            "Timestamp": pa.array(timestamps, pa.timestamp("ns", tz="UTC")),
            "TraceId": pc.take(trace_ids, pa.array(trace_of)),
            "SpanId": span_ids,
            "ParentSpanId": parent,
            "TraceState": pa.array(np.full(n, "")),
            "SpanName": names,
            "SpanKind": pc.take(pa.array(["Internal", "Client"]), pa.array((kind_of == 1).astype(np.int64))),
            "ServiceName": service,
            "ResourceAttributes": resource_map,
            "ScopeName": pa.array(np.full(n, sc.INSTRUMENTATION_SCOPE)),
            "ScopeVersion": pa.array(np.full(n, "0.1.0")),
            "SpanAttributes": attributes,
            "Duration": pa.array(duration.astype(np.uint64)),
            "StatusCode": status,
            "StatusMessage": pa.array(np.full(n, "")),
            "Events": _empty_lists(n, "Events"),
            "Links": _empty_lists(n, "Links"),
        },
        schema=TRACES_SCHEMA,
    )


def _write_spans(lake: Path, total: int, seed: int = 7) -> None:
    rng = np.random.default_rng(seed)
    traces_per_day = max(total // PER_TRACE // DAYS, 1)
    for day in range(DAYS):
        table = _day_table(rng, day, traces_per_day)
        folder = lake / "otel_traces" / f"dt={(START + timedelta(days=day)).date()}"
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, folder / "part-bench-spans.parquet", compression="zstd", row_group_size=128 * 1024)


ADDED_SEGMENT = "part-bench-added.parquet"


def _add_segment(home: Path) -> Path:
    """A writer's next segment: 1,000 new traces of the last day (their own ids), in that day's partition."""
    folder = home / "lake" / "otel_traces" / f"dt={(START + timedelta(days=DAYS - 1)).date()}"
    path = folder / ADDED_SEGMENT
    pq.write_table(_day_table(np.random.default_rng(11), DAYS - 1, 1000), path, compression="zstd")
    return path


def _compacted(homes: dict[str, tuple[Path, str | None]]) -> dict[str, dict[str, Any]]:
    """Per home: the scorecard after a compaction merged two segments (1,000 new traces each, in a partition of
    their own) that its database had loaded; then the merged segment goes, and each database syncs that too.

    Only that partition is compacted (the compactor is pointed at a lake holding just it: the generated lake's
    other partitions keep their small fact segments as generated)."""
    lake = next(iter(homes.values()))[0] / "lake"
    folder = lake / "otel_traces" / f"dt={(START + timedelta(days=DAYS)).date()}"
    folder.mkdir()
    stage = lake.parent / "compact-stage"
    try:
        for seed in (12, 13):
            table = _day_table(np.random.default_rng(seed), DAYS, 1000)
            pq.write_table(table, folder / f"part-bench-compact-{seed}.parquet", compression="zstd")
        for home, tree in homes.values():
            _run(home, "duckdb", tree)  # each database loads both
        (stage / "lake" / "otel_traces").mkdir(parents=True)
        (stage / "lake" / "otel_traces" / folder.name).symlink_to(folder.resolve())
        merged = compact(stage / "lake", small_bytes=1 << 30)
        assert merged.segments_in == 2 and all(compacted_from(p) for p in folder.glob("part-*.parquet")), merged
        return {name: _run(home, "duckdb", tree) for name, (home, tree) in homes.items()}
    finally:
        shutil.rmtree(stage, ignore_errors=True)
        shutil.rmtree(folder)
        for home, tree in homes.values():
            _run(home, "duckdb", tree)  # the lake as generated again


def _grown_and_shrunk(homes: dict[str, tuple[Path, str | None]]) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    """Per home (its lake, and the checkout that scores it): the scorecard after one new segment, then after that
    segment vanished again (retention, a deleted file): each home's database syncs it."""
    lake = next(iter(homes.values()))[0]
    added = _add_segment(lake)
    try:
        grown = {name: _run(home, "duckdb", tree) for name, (home, tree) in homes.items()}
    finally:
        added.unlink()
    return {name: (grown[name], _run(home, "duckdb", tree)) for name, (home, tree) in homes.items()}


def _write_evals_and_facts(home: Path) -> None:
    """Eval runs with scored cases, gates and the deployment history, through the real recorders and SDK."""
    from harness.facts import AuditRequest, Change, Deployment, Fact, Incident, lake_tracer_provider, record

    rng = np.random.default_rng(11)
    provider = lake_tracer_provider(home / "lake", service_name="harness-eval")
    tracer = provider.get_tracer("benchmarks.scoring")
    facts: list[Fact] = []
    for day in range(DAYS):
        at = START + timedelta(days=day, hours=9)
        ns = int(at.timestamp() * 1e9)
        run_id, gate_id = f"run-{day}", f"gate-{day}"
        run = tracer.start_span(
            sc.SPAN_EVAL_RUN.format(suite="support"),
            start_time=ns,
            attributes={
                sc.HARNESS_RECORD_TYPE: sc.RECORD_EVAL_RUN,
                sc.HARNESS_EVAL_RUN_ID: run_id,
                sc.HARNESS_EVAL_SUITE: "support",
                sc.HARNESS_EVAL_DATASET_HASH: "sha256:ab",
            },
        )
        for case in range(100):
            span = tracer.start_span(
                sc.SPAN_EVAL_CASE.format(case=case),
                start_time=ns + case * 10**6,
                attributes={sc.HARNESS_RECORD_TYPE: sc.RECORD_EVAL_CASE, sc.HARNESS_EVAL_RUN_ID: run_id},
            )
            span.add_event(
                sc.EVENT_EVALUATION_RESULT,
                {sc.GEN_AI_EVALUATION_NAME: "correctness", sc.GEN_AI_EVALUATION_SCORE_VALUE: float(rng.beta(8, 2))},
                timestamp=ns + case * 10**6,
            )
            span.end(end_time=ns + case * 10**6 + 5 * 10**5)
        run.end(end_time=ns + 2 * 10**9)
        gate = tracer.start_span(
            sc.SPAN_EVAL_GATE.format(suite="support"),
            start_time=ns + 3 * 10**9,
            attributes={
                sc.HARNESS_RECORD_TYPE: sc.RECORD_GATE,
                sc.HARNESS_GATE_RUN_ID: gate_id,
                sc.HARNESS_GATE_DECISION: sc.GATE_PASS if rng.random() < 0.9 else sc.GATE_REGRESSION,
            },
        )
        gate.end(end_time=ns + 4 * 10**9)
        for index, system in enumerate(SERVICES):
            change = f"ch-{day}-{index}"
            deployed = at + timedelta(hours=2 + index)
            facts.append(
                Change(
                    id=change, system=system, kind="prompt", opened_at=deployed - timedelta(hours=30), reviewer="rev"
                )
            )
            facts.append(
                Deployment(
                    system=system,
                    version=f"{day}",
                    id=f"dep-{day}-{index}",
                    at=deployed,
                    trigger="pipeline",
                    changes=(change,),
                    gate_run=gate_id,
                    approver="lead",
                    revision="abc",
                    strategy="canary" if index % 2 else "direct",
                )
            )
            if rng.random() < 0.08:
                facts.append(
                    Incident(
                        id=f"inc-{day}-{index}",
                        system=system,
                        started_at=deployed + timedelta(hours=3),
                        resolved_at=deployed + timedelta(hours=3.5),
                    )
                )
        if day % 7 == 0:
            facts.append(AuditRequest(id=f"audit-{day}", requested_at=at, fulfilled_at=at + timedelta(hours=5)))
    provider.shutdown()
    record(facts, home=home)


def generate(home: Path, total: int) -> float | None:
    """Write the lake under ``home`` unless a complete one is cached there; seconds spent, None if cached."""
    marker = home / "generated.json"
    home.mkdir(parents=True, exist_ok=True)
    systems = "".join(
        f"  - {{name: {name}, kind: llm, owner: team-{name}, on-call: rota-{name}}}\n" for name in SERVICES
    )
    (home / "systems.yaml").write_text("systems:\n" + systems, encoding="utf-8")
    if marker.is_file():
        return None
    started = time.perf_counter()
    _write_spans(home / "lake", total)
    _write_evals_and_facts(home)
    marker.write_text(json.dumps({"spans": total}), encoding="utf-8")
    return time.perf_counter() - started


def _score_once(home: str, engine: str) -> None:
    """In a fresh process: one whole scorecard; prints seconds and peak RSS as JSON."""
    import scoring

    started = time.perf_counter()
    window = scoring.Scope.of(START, START + timedelta(days=DAYS))
    card = scoring.scorecard(home, window, engine=engine)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    levels = {axis: score.level for axis, score in card.axes.items()}
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "levels": levels}))


def _run(home: Path, engine: str, tree: str | None = None) -> dict[str, Any]:
    return in_fresh_process("benchmarks.scoring", "--score-once", str(home), "--engine", engine, tree=tree)


def _against(home: Path, baseline: str, rounds: int) -> None:
    """The warm DuckDB scorecard of ``baseline`` (a checkout) and of this tree, alternating, over one lake."""
    other = home.with_name(f"{home.name}-baseline")
    other.mkdir(exist_ok=True)
    for entry in home.iterdir():
        if entry.name == "lake":
            if not (other / "lake").exists():
                (other / "lake").symlink_to(entry.resolve())
        elif not entry.name.startswith("harness.duckdb"):
            shutil.copy2(entry, other / entry.name)
    for stale in other.glob("harness.duckdb*"):
        stale.unlink()
    cold = _run(other, "duckdb", baseline)
    print(f"{'':>10} baseline {baseline}: cold {cold['seconds']:.2f} s, {cold['peak_mb']:.0f} MiB, {cold['levels']}")
    _run(home, "duckdb")  # this tree's database is current too
    warm: dict[str, list[dict[str, Any]]] = {"baseline": [], "this tree": []}
    for _ in range(rounds):
        warm["baseline"].append(_run(other, "duckdb", baseline))
        warm["this tree"].append(_run(home, "duckdb"))
    medians = {name: statistics.median(run["seconds"] for run in runs) for name, runs in warm.items()}
    for name, runs in warm.items():
        process = statistics.median(run["process_seconds"] for run in runs)
        seconds = sorted(run["seconds"] for run in runs)
        print(
            f"{'':>10} {name:>9}: warm median {medians[name]:.2f} s (min {seconds[0]:.2f}, max {seconds[-1]:.2f}; "
            f"whole process {process:.2f} s) over {rounds} alternating runs"
        )
    print(f"{'':>10} this tree / baseline, warm: {medians['this tree'] / medians['baseline']:.2f}")
    homes = {"baseline": (other, baseline), "this tree": (home, None)}
    changed, compacted = _grown_and_shrunk(homes), _compacted(homes)
    for name, (grown, shrunk) in changed.items():
        print(
            f"{'':>10} {name:>9}: after one new segment {grown['seconds']:.2f} s ({grown['peak_mb']:.0f} MiB); "
            f"after it vanished {shrunk['seconds']:.2f} s ({shrunk['peak_mb']:.0f} MiB); after a compaction "
            f"{compacted[name]['seconds']:.2f} s ({compacted[name]['peak_mb']:.0f} MiB)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--spans", "--sizes", dest="spans", default="10000000", help="comma-separated span counts")
    parser.add_argument("--engines", default="duckdb,clickhouse", help="comma-separated: duckdb, clickhouse (chDB)")
    parser.add_argument("--baseline", help="a checkout of another revision to time beside this one (DuckDB, warm)")
    parser.add_argument("--rounds", type=int, default=5, help="alternating warm runs of each with --baseline")
    parser.add_argument("--score-once", help=argparse.SUPPRESS)
    parser.add_argument("--engine", default="duckdb", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.score_once:
        _score_once(args.score_once, args.engine)
        return
    root = Path(os.environ.get("HARNESS_BENCH_DIR", "/tmp/harness-bench"))
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"scorecard over generated lakes in {root} ({os.cpu_count()} cores, load average {load}; {DAYS} days)")
    header = ("spans", "engine", "generate s", "cold s", "cold MiB", "warm s", "warm2 s", "warm MiB", "process s")
    print(
        "{:>10} {:>10} {:>10} {:>7} {:>9} {:>7} {:>8} {:>9} {:>9} {:>7} {:>9} {:>11}  {}".format(
            *header, "added s", "removed s", "compacted s", "levels"
        )
    )
    for total in (int(size) for size in args.spans.split(",")):
        home = root / f"scoring-{total}"
        generated = generate(home, total)
        made = "cached" if generated is None else f"{generated:.1f}"
        levels = {}
        for engine in args.engines.split(","):
            (home / "harness.duckdb").unlink(missing_ok=True)
            (home / "harness.duckdb.wal").unlink(missing_ok=True)
            cold, warm, warm2 = _run(home, engine), _run(home, engine), _run(home, engine)
            levels[engine] = warm["levels"]
            changed = "{:>7} {:>9} {:>11}".format("-", "-", "-")  # chDB keeps nothing: each run loads the lake
            if engine == "duckdb":
                grown, shrunk = _grown_and_shrunk({engine: (home, None)})[engine]
                compacted = _compacted({engine: (home, None)})[engine]
                changed = f"{grown['seconds']:>7.2f} {shrunk['seconds']:>9.2f} {compacted['seconds']:>11.2f}"
            print(
                f"{total:>10} {engine:>10} {made:>10} {cold['seconds']:>7.2f} {cold['peak_mb']:>9.0f} "
                f"{warm['seconds']:>7.2f} {warm2['seconds']:>8.2f} {max(warm['peak_mb'], warm2['peak_mb']):>9.0f} "
                f"{warm2['process_seconds']:>9.2f} {changed}  {warm['levels']}"
            )
        if len(set(map(str, levels.values()))) > 1:
            print(f"{'':>10} the engines disagree on the levels: {levels}")
        if args.baseline:
            _against(home, args.baseline, args.rounds)
    print(f"load average after: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print("cold: duckdb builds HARNESS_HOME/harness.duckdb from the raw segments; clickhouse (chDB in-process) loads")
    print("its staging tables from the Parquet. warm: duckdb's staging table is current; chDB caches nothing, so")
    print("its warm runs differ from cold only by the OS page cache. Each run is a fresh process.")
    print("peak MiB: max RSS of the scoring process (includes Python, the engine, polars and pydantic).")
    print("process s: the second warm run's whole process, Python start-up and imports included (as `harness score`).")
    print("added s: duckdb, after a writer's next segment (1,000 new traces) reached the lake: the sync loads it and")
    print("grows the roll-ups by its rows. removed s: after that segment vanished (retention, a deleted file):")
    print("the sync forgets its rows and rebuilds every roll-up whole. compacted s: after a compaction merged two")
    print("segments (1,000 traces each) the database had loaded: the sync gives their rows the merged one's name")
    print("and sums the merged segment's roll-up rows again from them.")


if __name__ == "__main__":
    main()
