"""Run every benchmark, each in its own process so none warms or pollutes another: python -m benchmarks."""

from __future__ import annotations

import subprocess
import sys

MODULES = (
    "overhead",
    "agent",
    "providers",
    "lake",
    "faults",
    "model_server",
    "hostile",
    "evals",
    "gate",
    "scoring",
    "cold_build",
    "audit",
    "collect",
    "report",
)


def main() -> int:
    failed = []
    for name in MODULES:
        print(f"\n=== benchmarks.{name} ===", flush=True)
        if subprocess.run([sys.executable, "-m", f"benchmarks.{name}"], check=False).returncode != 0:
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
