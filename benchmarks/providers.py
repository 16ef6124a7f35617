"""Provider-wrapper overhead: ours vs no instrumentation vs the peers, each variant in its own process.

    .venv/bin/python -m benchmarks.providers            # full run (two interleaved rounds, a few minutes)
    .venv/bin/python -m benchmarks.providers --rounds 3 # steadier medians on a busy machine
    .venv/bin/python -m benchmarks.providers --quick    # smoke run, fewer loops

Every variant drives the real ``openai`` SDK against the same in-process ``httpx2.MockTransport``
(prebuilt bodies, no network), with spans going through a batching processor to a counting, discarding
exporter (the peers: the SDK's BatchSpanProcessor; ours: our bounded export processor) and content
capture off where the library allows it. The two ``+ lake`` rows write real Parquet segments into a
temporary lake instead: the default path now (the lake's own processor) and the one before it.
Per call: the median of several timed loops of a non-streamed chat call, minus the uninstrumented
median in the same virtualenv. Per chunk:
the slope between a short and a long stream, minus the uninstrumented slope. Peers run from
``.venv-bench`` (made from ``benchmarks/requirements-peers.txt`` on first use, so the project lock
stays lean); a peer that cannot be installed or run says so in its row.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

from benchmarks._timing import print_table

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
# virtualenv -> (folder, requirements it is made from; None: the project's own .venv)
ENVS: dict[str, tuple[Path, Path | None]] = {
    "project": (ROOT / ".venv", None),
    "bench": (ROOT / ".venv-bench", HERE / "requirements-peers.txt"),
    "bench-v2": (ROOT / ".venv-bench-v2", HERE / "requirements-peers-v2.txt"),
}
BASELINES = {"project": "none", "bench": "none (peer venv)", "bench-v2": "none (peer venv)"}

# name -> (virtualenv, what it is)
VARIANTS: dict[str, tuple[str, str]] = {
    "none": ("project", "openai SDK alone"),
    "harness": ("project", "instrument_openai: span, tokens, cost, TTFC, metrics (our bounded export processor)"),
    "harness + lake": ("project", "the same on the default lake path: LakeSpanProcessor, Parquet segments written"),
    "harness + lake (before)": ("project", "the lake path before: BatchSpanProcessor, a dict per span, Parquet"),
    "bare OTel span (floor)": ("project", "one SDK span per call with the same attributes as constants: the floor"),
    "none (peer venv)": ("bench", "baseline for the peer rows (same openai and httpx2 as every peer venv)"),
    "official genai-openai": ("bench", "opentelemetry-instrumentation-genai-openai (the official one's successor)"),
    "official openai-v2": ("bench-v2", "opentelemetry-instrumentation-openai-v2 (own venv: older util-genai)"),
    "OpenInference": ("bench", "openinference-instrumentation-openai, inputs/outputs hidden"),
    "OpenLLMetry": ("bench", "opentelemetry-instrumentation-openai, TRACELOOP_TRACE_CONTENT=false"),
    "Langfuse": ("bench", "langfuse.openai (always records content)"),
    "Logfire": ("bench", "logfire.instrument_openai (always records content)"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer loops: a smoke run, not a measurement")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--only", nargs="*", help="run only these variants")
    parser.add_argument("--rounds", type=int, default=2, help="runs of every variant, interleaved (default 2)")
    args = parser.parse_args()
    if args.worker:
        from benchmarks.peers._worker import run_worker

        print(json.dumps(run_worker(args.worker, quick=args.quick)))
        return
    names = [name for name in VARIANTS if not args.only or name in args.only]
    problems = {venv: _ensure_venv(venv) for venv in {VARIANTS[name][0] for name in names}}
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
    for _ in range(1 if args.quick else args.rounds):  # rounds interleave the variants, so drift hits all alike
        for name in names:
            venv = VARIANTS[name][0]
            problem = problems[venv]
            python = ENVS[venv][0] / "bin" / "python"
            runs[name].append({"error": problem} if problem else _run_variant(name, python, args.quick))
    _report({name: _median_of_runs(results) for name, results in runs.items()})


def _median_of_runs(results: list[dict[str, Any]]) -> dict[str, Any]:
    good = [r for r in results if "error" not in r]
    if not good:
        return results[0]
    merged = dict(good[0])
    for key in ("call_us", "call_wall_us", "short_stream_us", "chunk_us", "spans_per_call"):
        merged[key] = statistics.median(float(r[key]) for r in good)
    merged["rounds"] = len(good)
    return merged


def _ensure_venv(venv: str) -> str | None:
    """Create a peer virtualenv from its requirements on first use; the reason it is unusable, or None."""
    folder, requirements = ENVS[venv]
    python = folder / "bin" / "python"
    if requirements is None or python.exists():
        return None if python.exists() else f"{folder} missing: run `make install` first"
    uv = ROOT / ".venv" / "bin" / "uv"
    steps = [
        [str(uv), "venv", str(folder), "--python", "3.11", "-q"],
        [str(uv), "pip", "install", "-q", "--python", str(python), "-r", str(requirements)],
    ]
    for step in steps:
        print(f"setting up {folder.name}: uv {step[1]} ...", file=sys.stderr)
        done = subprocess.run(step, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            return "peers not installed: " + (done.stderr.strip().splitlines() or ["uv failed"])[-1][:80]
    return None


def _run_variant(name: str, python: Path, quick: bool) -> dict[str, Any]:
    command = [str(python), "-m", "benchmarks.providers", "--worker", name, *(["--quick"] if quick else [])]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TRACELOOP_TRACE_CONTENT": "false", "OTEL_SDK_DISABLED": "false"}
    print(f"running {name} ...", file=sys.stderr)
    try:
        done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=600, check=False)
    except subprocess.TimeoutExpired:
        return {"error": "timed out after 600 s"}
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        reason = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": f"failed: {reason[:90]}"}
    return json.loads(lines[-1])  # type: ignore[no-any-return]


def _report(results: dict[str, dict[str, Any]]) -> None:
    rows: list[tuple[object, ...]] = []
    for name, result in results.items():
        baseline = results.get(BASELINES[VARIANTS[name][0]], {})
        if "error" in result:
            rows.append((name, "-", "-", "-", "-", "-", "-", "-", str(result["error"])))
            continue
        rows.append(
            (
                name,
                f"{result['call_us']:.0f}",
                _overhead(result, baseline, "call_us"),
                _overhead(result, baseline, "call_wall_us"),
                _overhead(result, baseline, "short_stream_us"),
                f"{result['chunk_us']:.2f}",
                _overhead(result, baseline, "chunk_us", digits=2),
                f"{result['spans_per_call']:.2f}",
                "+".join(result.get("records", ())) or "-",
            )
        )
    header = (
        "variant",
        "call µs",
        "+µs/call",
        "+wall µs/call",
        "+µs/stream",
        "chunk µs",
        "+µs/chunk",
        "spans/call",
        "on span / note",
    )
    print_table("openai chat.completions.create, in-process mock transport (medians)", header, rows)
    first = next((r for r in results.values() if "error" not in r), None)
    if first is not None:
        print(
            "\nCPU time (all threads; +wall: the caller's wall clock) per call: "
            f"{first['loops']} calls x {first['repeats']} repeats after "
            f"{first['warmup']} warm-up, median; per chunk: slope between {first['short_chunks']}- and "
            f"{first['long_chunks']}-chunk streams; median over {first.get('rounds', 1)} interleaved rounds, "
            "one process per variant per round. + columns: minus the uninstrumented run in the same virtualenv."
        )
    for name, (_, what) in VARIANTS.items():
        if name in results:
            print(f"  {name}: {what}")


def _overhead(result: dict[str, Any], baseline: dict[str, Any], key: str, digits: int = 0) -> str:
    if key not in baseline:
        return "n/a"
    return f"{float(result[key]) - float(baseline[key]):+.{digits}f}"


if __name__ == "__main__":
    main()
