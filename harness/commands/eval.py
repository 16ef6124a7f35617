"""``harness eval run|approve|gate|calibrate|sample|list|show``: the eval runner and the CI gate.

Exit codes of ``gate``: 0 pass, 1 regression, 2 inconclusive/underpowered, 3 usage or input error
(including a baseline that cannot judge: errored, missing or duplicated items). ``run`` exits 1 when
cases errored or the run is incomplete, ``calibrate`` 1 when the judge is not calibrated.

Every command records under the system the run evaluates: ``--system``, else the suite's ``system:``,
else ``OTEL_SERVICE_NAME`` (or ``HARNESS_SERVICE_NAME``); it is the resource's ``service.name``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from instrumentation import Telemetry, configure, load_settings
from instrumentation.errors import ConfigError

UNNAMED = "unknown_service"  # what OpenTelemetry calls a service nobody named


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("eval", help="run eval suites and gate a candidate against its baseline")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    _run_parser(actions)

    approve = actions.add_parser("approve", help="approve a run as the baseline of its suite and dataset")
    approve.add_argument("run_id", help="the run to approve (harness eval list shows them)")
    approve.add_argument("--by", default="", help="who approves")
    approve.add_argument("--allow-incomplete", action="store_true", help="approve even with errored or missing cases")
    approve.set_defaults(func=approve_run)

    gate = actions.add_parser("gate", help="compare a candidate run with its approved baseline")
    gate.add_argument("--candidate", required=True, help="the candidate run id")
    gate.add_argument("--baseline", help="a baseline run id (default: latest approved of the suite and dataset)")
    gate.add_argument("--suite", help="suite whose gate policy applies (default: the policy the run recorded)")
    gate.add_argument("--markdown", type=Path, help="write the Markdown summary here")
    gate.add_argument("--junit", type=Path, help="write one JUnit test case per item here")
    gate.add_argument("--json", type=Path, help="write the decision as JSON here")
    gate.set_defaults(func=gate_runs)

    cal = actions.add_parser("calibrate", help="agreement (Cohen's kappa) of a judge scorer with human labels")
    cal.add_argument("run_id", help="a run whose judge verdicts to compare")
    cal.add_argument("--scorer", required=True, help="the judge scorer's name in the suite")
    cal.add_argument("--labels", type=Path, required=True, help='JSONL of {"case_id": ..., "label": "pass"|"fail"}')
    cal.add_argument("--min-kappa", type=float, default=0.6, help="the kappa lower bound that passes (default 0.6)")
    cal.set_defaults(func=calibrate_judge)

    sample = actions.add_parser("sample", help="draw captured production LLM calls into a dataset for review")
    sample.add_argument("--out", type=Path, required=True, help="the dataset file (JSONL) to write")
    sample.add_argument("--limit", type=int, default=50, help="at most this many cases (default 50)")
    sample.add_argument("--seed", type=int, default=0, help="seed of the random draw")
    sample.add_argument("--feature", help="only calls of this harness.feature")
    sample.add_argument("--system", help="only calls of this system (default: every system in the lake)")
    sample.set_defaults(func=sample_calls)

    listed = actions.add_parser("list", help="the recorded eval runs, newest first")
    listed.add_argument("--json", action="store_true", help="print JSON instead of a table")
    listed.set_defaults(func=list_runs)

    show = actions.add_parser("show", help="one run's results, case by case")
    show.add_argument("run_id", help="the run to show (harness eval list shows them)")
    show.add_argument("--json", action="store_true", help="print the run as JSON")
    show.set_defaults(func=show_run)

    for sub in actions.choices.values():
        sub.add_argument("--home", help="HARNESS_HOME (default ./.harness)")


def _run_parser(actions: Any) -> None:
    run = actions.add_parser("run", help="run a suite (YAML path or module:name) against a candidate")
    run.add_argument("suite", help="a suite file (.yaml) or a registered suite as module:name")
    run.add_argument("--candidate-id", default="candidate", help="the version under test, passed to the task")
    run.add_argument("--system", help="the system the suite evaluates (default: the suite's, else OTEL_SERVICE_NAME)")
    run.add_argument("--repeats", type=int, help="run every case this many times (default: the suite's, else 1)")
    run.add_argument("--concurrency", type=int, help="cases in flight at once (default: the suite's, else 8)")
    run.add_argument("--budget", type=float, help="stop starting cases once this much task cost (USD) is spent")
    run.add_argument("--cache", action="store_true", help="reuse outputs of earlier runs (marked cached)")
    run.add_argument("--param", action="append", default=[], metavar="KEY=VALUE", help="task parameter")
    run.add_argument("--run-id", help="the id to record the run under (default: suite-time-random; must be new)")
    run.add_argument("--approve", action="store_true", help="approve the run as a baseline when it completes cleanly")
    run.add_argument("--allow-incomplete", action="store_true", help="with --approve: approve despite errored cases")
    run.add_argument("--json", action="store_true", help="print the run's summary as JSON on stdout")
    run.set_defaults(func=run_suite)


def _params(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ConfigError(f"--param {pair!r}: write it as KEY=VALUE")
        out[key] = value
    return out


def _system(explicit: str | None, declared: str | None, home: str | None) -> str:
    """The system a command records under: --system, the suite's, then OTEL_SERVICE_NAME / HARNESS_SERVICE_NAME."""
    chosen = explicit or declared or load_settings({"home": home}).service_name
    if chosen == UNNAMED:
        print(
            f"harness: note: recording under service {UNNAMED!r}: name the system the suite evaluates with "
            "--system, 'system:' in the suite, or OTEL_SERVICE_NAME",
            file=sys.stderr,
        )
    return chosen


def _telemetry(args: argparse.Namespace, system: str | None) -> Telemetry:
    return configure(system or UNNAMED, home=args.home)


def run_suite(args: argparse.Namespace) -> int:
    import evals
    from evals._api import StderrProgress
    from evals._store.runs import incomplete

    suite = evals.get_suite(args.suite)  # suite errors (exit 3) before anything runs or is recorded
    system = _system(args.system, suite.system, args.home)
    with _telemetry(args, system) as telemetry:
        result = evals.run(
            suite,
            telemetry,
            candidate_id=args.candidate_id,
            repeats=args.repeats,
            concurrency=args.concurrency,
            budget=args.budget,
            use_cache=args.cache,
            params=_params(args.param),
            run_id=args.run_id,
            system=system,
            progress=StderrProgress(),
        )
        problem = incomplete(result)
        approved = bool(args.approve) and (not problem or args.allow_incomplete)
        if approved:
            evals.RunStore(telemetry.settings.home).approve(result.run_id, telemetry, allow_incomplete=True)
    _print_run(result, problem, approved=approved, as_json=args.json)
    if args.approve and not approved:
        print(
            "harness: not approved as a baseline: it has errored or missing cases (above); approve it anyway "
            "with --allow-incomplete",
            file=sys.stderr,
        )
    return 1 if problem else 0


def _print_run(result: Any, problem: str, *, approved: bool, as_json: bool) -> None:
    from evals._report.text import errors_text, run_line, run_summary

    if as_json:
        print(json.dumps({**run_summary(result), "approved": approved}, indent=2))
    else:
        print(run_line(result))
        if approved:
            print(f"approved {result.run_id} as the baseline of {result.suite} ({result.dataset_hash})")
    if problem:
        print(errors_text(result), file=sys.stderr)


def approve_run(args: argparse.Namespace) -> int:
    import evals

    store = evals.RunStore(load_settings({"home": args.home}).home)
    system = store.load(args.run_id).system  # an unknown run is an input error before anything is recorded
    with _telemetry(args, system) as telemetry:
        run = evals.RunStore(telemetry.settings.home).approve(
            args.run_id, telemetry, by=args.by, allow_incomplete=args.allow_incomplete
        )
    print(f"approved {run.run_id} as the baseline of {run.suite} ({run.dataset_hash})")
    return 0


def gate_runs(args: argparse.Namespace) -> int:
    import evals

    candidate = evals.RunStore(load_settings({"home": args.home}).home).load(args.candidate)  # input errors first
    policy = None  # the policy the run recorded
    if args.suite:
        suite = evals.get_suite(args.suite)
        if suite.name != candidate.suite:  # another suite's policy, perhaps a looser one, would gate this run
            raise evals.IncomparableError(
                f"--suite {suite.name} is not the suite run {candidate.run_id} ran ({candidate.suite}): give that "
                "suite, or leave --suite out for the policy the run recorded"
            )
        policy = suite.gate
    outputs = evals.GateOutputs(markdown=args.markdown, junit=args.junit, json=args.json)
    with _telemetry(args, candidate.system) as telemetry:
        result = evals.gate_run(telemetry, args.candidate, policy=policy, baseline_run=args.baseline, outputs=outputs)
    print(evals.markdown(result))
    return result.exit_code


def calibrate_judge(args: argparse.Namespace) -> int:
    import evals

    store = evals.RunStore(load_settings({"home": args.home}).home)
    run = store.load(args.run_id)
    cal = evals.calibrate(run, args.scorer, evals.load_labels(args.labels))
    with _telemetry(args, run.system) as telemetry:
        evals.record_calibration(telemetry, cal, min_kappa=args.min_kappa, run=run)
    passed = cal.passes(args.min_kappa)
    print(
        cal.describe() + f": {'calibrated' if passed else 'NOT calibrated'} (needs a lower bound >= {args.min_kappa})"
    )
    return 0 if passed else 1


def sample_calls(args: argparse.Namespace) -> int:
    import evals
    from evals._report.telemetry import record_sample
    from evals._run.sampling import sampled_system, write_dataset

    settings = load_settings({"home": args.home})
    cases = evals.sample_cases(
        settings.lake_dir, limit=args.limit, seed=args.seed, feature=args.feature, system=args.system
    )
    write_dataset(cases, args.out)
    system = sampled_system(cases, args.system)
    with _telemetry(args, system) as telemetry:
        record_sample(telemetry, cases, args.out, system)
    print(f"wrote {len(cases)} case(s) from {settings.lake_dir} to {args.out} (redacted; fill in 'expected')")
    if not cases:
        print("no captured LLM calls found: enable capture_content to record gen_ai.input.messages", file=sys.stderr)
    return 0


def list_runs(args: argparse.Namespace) -> int:
    import evals
    from evals._report.text import runs_table, summary_json

    runs = evals.RunStore(load_settings({"home": args.home}).home).runs_list()
    if args.json:
        print(json.dumps([summary_json(r) for r in runs], indent=2))
    else:
        print("\n".join(runs_table(runs)) if runs else "no eval runs recorded yet (harness eval run SUITE)")
    return 0


def show_run(args: argparse.Namespace) -> int:
    import evals
    from evals._report.text import run_table

    run = evals.RunStore(load_settings({"home": args.home}).home).load(args.run_id)
    print(json.dumps(run.to_json(), indent=2, default=str) if args.json else "\n".join(run_table(run)))
    return 0


__all__ = ["register"]
