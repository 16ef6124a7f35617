"""The canary rule's operating characteristics: how often it promotes, holds or rolls back, by true change and n.

Run: ``.venv/bin/python -m benchmarks.canary`` (``--sims N`` per row, default 300; ``--quick`` for 60).
Every simulated canary goes through the decision itself (``harness.canary._decide``: the comparisons,
Holm, the rule) with the default policy (alpha 0.05 per side, minimum 100 samples, error-rate margin one
percentage point, latency p95 and cost per request 20% of the baseline's). Each version serves n requests,
one model call each: a call fails with the version's error rate, its latency is log-normal (median 400 ms,
sigma 0.5), a completed call costs log-normal (median $0.002, sigma 0.6). Rows:

- equal versions (baseline error rate 2%): the false rollback rate, and how often an equal canary is promoted;
- a 2x error rate (2% -> 4%, twice the margin), a 4x one (2% -> 8%), and latency 1.5x (p95 50% up);

by n per version from 100 to 5,000. The targets: equal versions are rolled back at most alpha of the time;
a canary worse by twice a margin is rolled back at least 80% of the time once n gives the power to see it.
"""

from __future__ import annotations

import argparse
import random
import time
import zlib
from dataclasses import dataclass

from harness.canary._decide import compare, decide, judge
from harness.canary._evidence import Side
from harness.canary._policy import CanaryPolicy

BASE_ERROR = 0.02


@dataclass(frozen=True, slots=True)
class Scenario:
    label: str
    error_rate: float
    latency_factor: float = 1.0


SCENARIOS = (
    Scenario("equal", BASE_ERROR),
    Scenario("2x error rate", 2 * BASE_ERROR),
    Scenario("4x error rate", 4 * BASE_ERROR),
    Scenario("latency x1.5", BASE_ERROR, 1.5),
)
SIZES = (100, 300, 1000, 3000, 5000)


def _side(rng: random.Random, version: str, n: int, error_rate: float, latency_factor: float) -> Side:
    side = Side(version)
    for _ in range(n):
        failed = rng.random() < error_rate
        side.latencies.append(400.0 * latency_factor * rng.lognormvariate(0.0, 0.5))
        side.failed_calls += failed
        if not failed:
            side.request_costs.append(0.002 * rng.lognormvariate(0.0, 0.6))
    return side


def simulate(scenario: Scenario, n: int, sims: int, policy: CanaryPolicy) -> dict[str, float]:
    rng = random.Random(zlib.crc32(f"{scenario.label}:{n}".encode()))
    counts = {"promote": 0, "hold": 0, "rollback": 0}
    for _ in range(sims):
        base = _side(rng, "base", n, BASE_ERROR, 1.0)
        cand = _side(rng, "canary", n, scenario.error_rate, scenario.latency_factor)
        metrics = compare(base, cand, policy)
        judge(metrics, policy.alpha)
        decision, _ = decide(metrics)
        counts[decision] += 1
    return {k: v / sims for k, v in counts.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sims", type=int, default=300)
    parser.add_argument("--quick", action="store_true", help="60 simulations per row")
    args = parser.parse_args()
    sims = 60 if args.quick else args.sims
    policy = CanaryPolicy(bootstrap_resamples=1000)
    started = time.perf_counter()
    print(f"{'scenario':<16}{'n/version':>10}{'P(promote)':>12}{'P(hold)':>10}{'P(rollback)':>13}")
    for scenario in SCENARIOS:
        for n in SIZES:
            shares = simulate(scenario, n, sims, policy)
            print(
                f"{scenario.label:<16}{n:>10}{shares['promote']:>12.3f}{shares['hold']:>10.3f}{shares['rollback']:>13.3f}"
            )
    print(f"\n{sims} simulated canaries per row, {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
