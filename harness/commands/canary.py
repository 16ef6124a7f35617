"""``harness canary``: promote, hold or roll back a canary version from the two versions' production telemetry.

Exit codes as the gate's: 0 promote, 1 rollback, 2 hold, 3 an input error (an unknown system or version,
no telemetry for one side, a bad policy). The decision is recorded as a ``canary {system}`` span and a
rollback as a deployment with trigger ``rollback`` that rolls the canary back (unless ``--dry-run``).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from instrumentation.errors import HarnessError

TIME_HELP = "ISO 8601 with a zone"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "canary",
        help="promote, hold or roll back a canary version from its telemetry against the baseline version's",
        description="Compare the canary version's production telemetry with the baseline version's (error rate, "
        "latency p95, cost per request, agent trajectories, online eval scores) and decide: exit 0 promote, "
        "1 rollback, 2 hold, 3 input error. The rule and its operating characteristics: docs/canary.md.",
    )
    parser.add_argument("--system", required=True)
    parser.add_argument("--baseline", required=True, metavar="VERSION", help="the version serving now")
    parser.add_argument("--canary", required=True, metavar="VERSION", help="the version on trial")
    parser.add_argument("--since", help=f"window start (default: 7 days before --until); {TIME_HELP}")
    parser.add_argument("--until", help=f"window end, exclusive (default: now); {TIME_HELP}")
    parser.add_argument("--home", help="HARNESS_HOME (default ./.harness)")
    parser.add_argument("--json", action="store_true", help="print the decision as JSON")
    parser.add_argument("--policy", metavar="FILE", help="canary policy YAML (alpha, min_samples, margins)")
    parser.add_argument("--alpha", type=float, help="each interval side's level (default 0.05)")
    parser.add_argument("--min-samples", type=int, help="fewest samples per version a metric is judged on (100)")
    parser.add_argument(
        "--margin", action="append", default=[], metavar="METRIC=VALUE", help="a metric's margin (repeatable)"
    )
    parser.add_argument("--deployment", metavar="DEPLOY_ID", help="the canary's deployment a rollback rolls back")
    parser.add_argument("--pipeline-run", help="the CI run recording a rollback (makes it an automatic rollback)")
    parser.add_argument("--dry-run", action="store_true", help="decide, but record nothing")
    parser.set_defaults(func=run)


def _margins(values: list[str]) -> dict[str, float]:
    margins = {}
    for value in values:
        name, sep, number = value.partition("=")
        try:
            margins[name.strip()] = float(number)
        except ValueError:
            sep = ""
        if not sep or margins[name.strip()] < 0:
            raise HarnessError(f"--margin {value}: give METRIC=VALUE with a number >= 0, e.g. latency_p95_ms=0.3")
    return margins


def _policy(args: argparse.Namespace) -> Any:
    from pydantic import ValidationError

    from harness.canary import CanaryError, load_policy

    policy = load_policy(args.policy).with_margins(_margins(args.margin))
    updates = {k: v for k, v in (("alpha", args.alpha), ("min_samples", args.min_samples)) if v is not None}
    try:
        return policy.model_validate({**policy.model_dump(), **updates})
    except ValidationError as exc:
        problems = "; ".join(f"--{'-'.join(map(str, e['loc'])).replace('_', '-')}: {e['msg']}" for e in exc.errors())
        raise CanaryError(problems) from exc


def run(args: argparse.Namespace) -> int:
    from harness.canary import canary, record_decision
    from harness.canary._text import as_dict, text

    decision = canary(
        args.system, args.baseline, args.canary, since=args.since, until=args.until, home=args.home,
        policy=_policy(args),
    )  # fmt: skip
    print(json.dumps(as_dict(decision), indent=2) if args.json else text(decision))
    if not args.dry_run:
        recorded = record_decision(decision, home=args.home, deployment=args.deployment, pipeline_run=args.pipeline_run)
        for warning in recorded.warnings:
            print(f"harness: warning: {warning}", file=sys.stderr)
        print(f"recorded the {decision.decision} decision as a canary {decision.system} span", file=sys.stderr)
        if recorded.rollback_id:
            rolled = f"rolling back {recorded.rolls_back}" if recorded.rolls_back else "naming no deployment"
            print(f"recorded rollback deployment {recorded.rollback_id} ({rolled})", file=sys.stderr)
    return decision.exit_code
