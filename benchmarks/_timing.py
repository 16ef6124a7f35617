"""Shared timing helpers: warm up, then the median of several timed repetitions, per operation."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any


def per_call_us(fn: Callable[[], object], *, loops: int = 5000, repeats: int = 7, warmup: int = 500) -> float:
    """Median microseconds per call of ``fn`` over ``repeats`` timed loops."""
    return paired_us({"fn": fn}, loops=loops, rounds=repeats, warmup=warmup)["fn"]


def paired_us(
    variants: dict[str, Callable[[], object]], *, loops: int = 2000, rounds: int = 15, warmup: int = 500
) -> dict[str, float]:
    """Median microseconds per call of each variant, timed in alternating short rounds.

    Alternating rounds expose every variant to the same background load, so the ratios between
    them hold even on a busy machine where absolute figures drift.
    """
    for fn in variants.values():
        for _ in range(warmup):
            fn()
    samples: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(rounds):
        for name, fn in variants.items():
            start = time.perf_counter()
            for _ in range(loops):
                fn()
            samples[name].append((time.perf_counter() - start) / loops * 1e6)
    return {name: statistics.median(values) for name, values in samples.items()}


def print_table(title: str, header: tuple[str, ...], rows: list[tuple[object, ...]]) -> None:
    widths = [max(len(str(x)) for x in column) for column in zip(header, *rows, strict=True)]
    print(f"\n{title}")
    print("  ".join(str(h).ljust(w) for h, w in zip(header, widths, strict=True)))
    for row in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))


def in_fresh_process(module: str, *args: str, tree: str | None = None) -> dict[str, Any]:
    """Run ``python -m module args`` (a cold process: nothing cached in memory) and return the JSON object its
    last output line prints, with ``process_seconds``, the whole process's wall time, added. ``tree``: run the
    code of that checkout instead (another revision, under the same interpreter and packages)."""
    started = time.perf_counter()
    env = None if tree is None else {**os.environ, "PYTHONPATH": tree}
    command = [sys.executable, "-m", module, *args]
    out = subprocess.run(command, check=True, capture_output=True, text=True, cwd=tree, env=env)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    result["process_seconds"] = time.perf_counter() - started
    return result
