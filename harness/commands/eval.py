"""``harness eval run|approve|gate|calibrate|sample``: the eval runner and the CI gate.

Exit codes of ``gate``: 0 pass, 1 regression, 2 inconclusive/underpowered, 3 usage or input error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from instrumentation import Telemetry, configure, load_settings
from instrumentation.errors import ConfigError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("eval", help="run eval suites and gate a candidate against its baseline")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    run = actions.add_parser("run", help="run a suite (YAML path or module:name) against a candidate")
    run.add_argument("suite")
    run.add_argument("--candidate-id", default="candidate", help="the version under test, passed to the task")
    run.add_argument("--repeats", type=int)
    run.add_argument("--concurrency", type=int)
    run.add_argument("--budget", type=float, help="stop starting cases once this much task cost (USD) is spent")
    run.add_argument("--cache", action="store_true", help="reuse outputs of earlier runs (marked cached)")
    run.add_argument("--param", action="append", default=[], metavar="KEY=VALUE", help="task parameter")
    run.add_argument("--run-id")
    run.add_argument("--approve", action="store_true", help="approve the run as a baseline when it completes")
    run.set_defaults(func=run_suite)

    approve = actions.add_parser("approve", help="approve a run as the baseline of its suite and dataset")
    approve.add_argument("run_id")
    approve.add_argument("--by", default="", help="who approves")
    approve.set_defaults(func=approve_run)

    gate = actions.add_parser("gate", help="compare a candidate run with its approved baseline")
    gate.add_argument("--candidate", required=True, help="the candidate run id")
    gate.add_argument("--baseline", help="a baseline run id (default: latest approved of the suite and dataset)")
    gate.add_argument("--suite", help="suite whose gate policy applies (default: the policy the run recorded)")
    gate.add_argument("--markdown", type=Path)
    gate.add_argument("--junit", type=Path)
    gate.add_argument("--json", type=Path)
    gate.set_defaults(func=gate_runs)

    cal = actions.add_parser("calibrate", help="agreement (Cohen's kappa) of a judge scorer with human labels")
    cal.add_argument("run_id")
    cal.add_argument("--scorer", required=True)
    cal.add_argument("--labels", type=Path, required=True, help='JSONL of {"case_id": ..., "label": "pass"|"fail"}')
    cal.set_defaults(func=calibrate_judge)

    sample = actions.add_parser("sample", help="draw captured production LLM calls into a dataset for review")
    sample.add_argument("--out", type=Path, required=True)
    sample.add_argument("--limit", type=int, default=50)
    sample.add_argument("--seed", type=int, default=0)
    sample.add_argument("--feature")
    sample.set_defaults(func=sample_calls)

    for sub in (run, approve, gate, cal, sample):
        sub.add_argument("--home", help="HARNESS_HOME (default ./.harness)")


def _params(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ConfigError(f"--param {pair!r}: write it as KEY=VALUE")
        out[key] = value
    return out


def _telemetry(args: argparse.Namespace) -> Telemetry:
    return configure("harness-eval", home=args.home)


def run_suite(args: argparse.Namespace) -> int:
    import evals

    with _telemetry(args) as telemetry:
        result = evals.run(
            args.suite,
            telemetry,
            candidate_id=args.candidate_id,
            repeats=args.repeats,
            concurrency=args.concurrency,
            budget=args.budget,
            use_cache=args.cache,
            params=_params(args.param),
            run_id=args.run_id,
        )
        errors = sum(c.error is not None for c in result.cases)
        print(
            f"run {result.run_id}: {len(result.cases)} results over {len(result.case_ids)} cases x {result.repeats}, "
            f"pass rate {result.pass_rate:.3f}, {errors} errored, task cost ${result.cost:.4f}, status {result.status}"
        )
        if args.approve:
            evals.RunStore(telemetry.settings.home).approve(result.run_id, telemetry)
            print(f"approved {result.run_id} as the baseline of {result.suite} ({result.dataset_hash})")
    return 0


def approve_run(args: argparse.Namespace) -> int:
    import evals

    with _telemetry(args) as telemetry:
        run = evals.RunStore(telemetry.settings.home).approve(args.run_id, telemetry, by=args.by)
    print(f"approved {run.run_id} as the baseline of {run.suite} ({run.dataset_hash})")
    return 0


def gate_runs(args: argparse.Namespace) -> int:
    import evals

    policy = evals.get_suite(args.suite).gate if args.suite else None  # else: the policy the run recorded
    evals.RunStore(load_settings({"home": args.home}).home).load(args.candidate)  # input errors before telemetry
    outputs = evals.GateOutputs(markdown=args.markdown, junit=args.junit, json=args.json)
    with _telemetry(args) as telemetry:
        result = evals.gate_run(telemetry, args.candidate, policy=policy, baseline_run=args.baseline, outputs=outputs)
    print(evals.markdown(result))
    return result.exit_code


def calibrate_judge(args: argparse.Namespace) -> int:
    import evals

    store = evals.RunStore(load_settings({"home": args.home}).home)
    cal = evals.calibrate(store.load(args.run_id), args.scorer, evals.load_labels(args.labels))
    print(
        f"judge {cal.scorer} ({cal.judge}): kappa {cal.kappa:.3f} (95% interval {cal.low:.3f} to {cal.high:.3f}), "
        f"raw agreement {cal.agreement:.3f} on {cal.n} labelled cases"
    )
    return 0


def sample_calls(args: argparse.Namespace) -> int:
    from evals._sample import sample_cases, write_dataset

    settings = load_settings({"home": args.home})
    cases = sample_cases(settings.lake_dir, limit=args.limit, seed=args.seed, feature=args.feature)
    write_dataset(cases, args.out)
    print(f"wrote {len(cases)} case(s) from {settings.lake_dir} to {args.out} (redacted; fill in 'expected')")
    if not cases:
        print("no captured LLM calls found: enable capture_content to record gen_ai.input.messages", file=sys.stderr)
    return 0


__all__ = ["register"]
