"""``harness report`` on the demo's lake: the file's size and how long it takes to make, in fresh processes.

Runs ``harness demo`` into a temporary home (or uses ``--home`` of an earlier demo), then makes the report
``--runs`` times, each in a new interpreter (what a user's command costs, imports included), and prints the
size of the file, of its inline SVG and of the rest, with the time split into reading the lake (scorecard,
queries, weekly metrics) and rendering (Vega-Lite to SVG by vl-convert, the template).

    .venv/bin/python -m benchmarks.report
    .venv/bin/python -m benchmarks.report --home /tmp/demo --runs 5
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks._timing import print_table

# One report in this process, timed by phase, printed as JSON (run in a fresh interpreter per measurement).
_ONE_RUN = """
import json, sys, time
started = time.perf_counter()
from harness import report
imported = time.perf_counter()
data = report.gather(report.Options(home=sys.argv[1], since=sys.argv[3] or None))
gathered = time.perf_counter()
html = report.build(data)
built = time.perf_counter()
open(sys.argv[2], "w", encoding="utf-8").write(html)
print(json.dumps({"import": imported - started, "gather": gathered - imported, "render": built - gathered,
                  "total": time.perf_counter() - started}))
"""


def _demo(home: Path) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "harness.cli", "demo", "--home", str(home)], check=True, capture_output=True)
    return time.perf_counter() - started


def _one(home: Path, out: Path, since: str) -> dict[str, float]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _ONE_RUN, str(home), str(out), since], check=True, capture_output=True, text=True
    )
    phases: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    phases["process"] = time.perf_counter() - started
    return phases


def _sizes(out: Path) -> tuple[int, int, int]:
    text = out.read_text(encoding="utf-8")
    svg = sum(len(m.encode()) for m in re.findall(r"<svg.*?</svg>", text, flags=re.S))
    return len(text.encode()), svg, text.count("data-chart=")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", help="an existing demo home (default: run harness demo into a temporary one)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--since", default="", help="window start (default: the report's 90 days)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="harness-bench-report-") as scratch:
        home = Path(args.home) if args.home else Path(scratch) / "demo"
        if not args.home:
            print(f"harness demo into {home}: {_demo(home):.1f} s")
        out = Path(scratch) / "report.html"
        runs = [_one(home, out, args.since) for _ in range(args.runs)]
        size, svg, charts = _sizes(out)
    phases = ("import", "gather", "render", "total", "process")
    print_table(
        f"harness report on the demo's lake: median of {args.runs} fresh processes (s)",
        phases,
        [tuple(f"{statistics.median(run[p] for run in runs):.2f}" for p in phases)],
    )
    print_table(
        "the file",
        ("bytes", "KiB", "charts", "inline SVG KiB", "rest KiB (text, tables, CSS)"),
        [(size, f"{size / 1024:.0f}", charts, f"{svg / 1024:.0f}", f"{(size - svg) / 1024:.0f}")],
    )


if __name__ == "__main__":
    main()
