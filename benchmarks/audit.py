"""Audit-bundle speed over 1M and 10M realistic spans (the lake of ``benchmarks.scoring``).

The lake is generated as ``benchmarks.scoring`` does (or copied from its cache under $HARNESS_BENCH_DIR),
into its own home so the fulfilments each bundle records do not touch the scoring benchmark's lake. Each
measurement is a fresh process writing one whole bundle (one system, the lake's 90 days) and verifying it:
cold (HARNESS_HOME/harness.duckdb is built from the raw segments) and warm (it is current, as after any
``harness score``), with peak RSS.

    .venv/bin/python -m benchmarks.audit            # 1M and 10M
    .venv/bin/python -m benchmarks.audit --sizes 10000000
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from benchmarks import scoring as scoring_bench
from benchmarks._timing import in_fresh_process
from benchmarks.scoring import DAYS, SERVICES, START, generate

SYSTEM = SERVICES[0]


def _prepare(root: Path, total: int) -> tuple[Path, str]:
    """The audit benchmark's home: a copy of the scoring benchmark's cached lake, else a new one."""
    home = root / f"audit-{total}"
    if (home / "generated.json").is_file():
        return home, "cached"
    cached = root / f"scoring-{total}"
    if (cached / "generated.json").is_file():
        started = time.perf_counter()
        shutil.copytree(cached / "lake", home / "lake")
        shutil.copy(cached / "generated.json", home / "generated.json")
        generate(home, total)  # writes systems.yaml; the lake is complete, so nothing is regenerated
        return home, f"copied {time.perf_counter() - started:.1f}"
    seconds = generate(home, total)
    return home, f"{seconds or 0:.1f}"


def _bundle_once(home: str) -> None:
    """In a fresh process: one bundle and its verification; prints seconds, rows and peak RSS as JSON."""
    from harness import audit

    out = Path(tempfile.mkdtemp(prefix="harness-audit-bench-")) / "bundle"
    started = time.perf_counter()
    made = audit.bundle(SYSTEM, START, START + timedelta(days=DAYS), out, home=home)
    seconds = time.perf_counter() - started
    checked = time.perf_counter()
    problems = audit.verify(made.folder)
    verify_seconds = time.perf_counter() - checked
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    shutil.rmtree(out.parent)
    rows = sum(made.counts.values())
    print(
        json.dumps({"seconds": seconds, "verify": verify_seconds, "rows": rows, "peak_mb": peak_mb, "ok": not problems})
    )


def _run(home: Path) -> dict[str, Any]:
    return in_fresh_process("benchmarks.audit", "--bundle-once", str(home))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000000,10000000", help="comma-separated span counts")
    parser.add_argument("--bundle-once", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bundle_once:
        _bundle_once(args.bundle_once)
        return
    root = Path(os.environ.get("HARNESS_BENCH_DIR", "/tmp/harness-bench"))
    print(f"audit bundle of {SYSTEM} over generated lakes in {root} ({os.cpu_count()} cores, {DAYS} days)")
    header = ("spans", "lake s", "cold s", "cold MiB", "warm s", "warm MiB", "verify s", "process s", "rows", "ok")
    print("{:>10} {:>12} {:>7} {:>9} {:>7} {:>9} {:>9} {:>10} {:>6} {:>4}  {}".format(*header, "scorecard warm s"))
    for total in (int(size) for size in args.sizes.split(",")):
        home, made = _prepare(root, total)
        (home / "harness.duckdb").unlink(missing_ok=True)
        (home / "harness.duckdb.wal").unlink(missing_ok=True)
        cold, warm = _run(home), _run(home)
        card = scoring_bench._run(home)  # the whole scorecard, warm, in the same run: the machine's load shows
        print(
            f"{total:>10} {made:>12} {cold['seconds']:>7.2f} {cold['peak_mb']:>9.0f} {warm['seconds']:>7.2f} "
            f"{warm['peak_mb']:>9.0f} {warm['verify']:>9.3f} {warm['process_seconds']:>10.2f} {warm['rows']:>6} "
            f"{'yes' if cold['ok'] and warm['ok'] else 'NO':>4}  {card['seconds']:.2f} (bundle / scorecard "
            f"{warm['seconds'] / card['seconds']:.2f})"
        )
    print("cold: builds HARNESS_HOME/harness.duckdb from the raw segments; warm: it is current (fresh process each).")
    print("process s: the warm run's whole process, Python start-up and imports included (as `harness audit bundle`).")


if __name__ == "__main__":
    main()
