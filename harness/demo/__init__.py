"""``harness demo``: the whole loop offline on the embedded default, in under a minute.

1. start the local model server with the reference app's scenario;
2. configure telemetry (lake exporter) for the app, service ``support-desk``;
3. run the support-agent eval suite on the baseline (approved as the baseline), the baseline again and the
   regressed candidate; then production traffic: the shipped 1.9.0 and its 1.9.1 canary (a newer model whose
   endpoint sends a broken body one request in six), each its own ``service.version``, and the classical
   triage model scoring tickets through ``predict`` (eval traffic stays out of production metrics);
4. gate the second baseline run (it passes and ships today) and the candidate: the gate must block it;
5. record four weeks of the team's history as facts (changes, deployments, an incident and its rollback,
   audit requests, the triage model's retrains) plus today's gated release and its canary;
6. ``harness canary`` judges 1.9.1 against 1.9.0 from that telemetry: it must roll back (recorded as a
   deployment that rolls the canary back, so change failure rate and time to restore count it);
7. the support desk's audit bundle, verified (its audit request fulfilled, so the score measures it);
8. score the last 30 days, LLM and classical systems apart, into ``reports/scorecard*.json`` and ``.md``;
9. write the HTML report (``reports/report.html``);
10. print where everything went. Exit 0 when the gate blocked the regression and the canary was rolled
   back, 1 when the story did not hold.

Everything lands in HARNESS_HOME (``--home``, default ``./.harness``); a rerun clears only the demo's own outputs.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import instrumentation
import scoring
from harness import audit, report
from harness.app import (
    TRIAGE_MODELS,
    TRIAGE_SYSTEM,
    load_questions,
    scenario_path,
    trajectory_table,
    triage,
)
from harness.canary import CanaryDecision
from harness.canary._text import text as canary_text
from harness.demo._evals import EvalStory, run_and_gate, suite_path, summary
from harness.demo._history import CANARY_VERSION, TRIAGE_VERSION, backfill, canary_release, today
from harness.demo._home import SYSTEM, DemoHome, DemoHomeError, prepare
from harness.demo._release import STABLE_VERSION, judge_canary, serve_release
from harness.demo._report import WINDOW, Written, lake_summary, write_scorecards
from harness.facts import record
from harness.model_server import serve
from instrumentation import semconv

__all__ = ["DemoHomeError", "run_demo"]


def run_demo(home: str | None = None) -> int:
    """Run the story in ``home`` (default HARNESS_HOME); 0 when the gate blocked the regressed candidate and
    the canary was rolled back."""
    started = time.monotonic()
    demo = prepare(instrumentation.load_settings({"home": home}).home)
    print(f"harness demo in {demo.root} (offline: a local model server stands in for the providers)\n")
    story, now = _record(demo)
    decision = _judge_canary(demo, now)
    evidence = _audit(demo, now)  # before the score, so its audit-evidence response time counts this bundle
    written = _score(demo, now)
    report = _report(demo, now)
    blocked = story.candidate_gate.decision == semconv.GATE_REGRESSION
    rolled_back = decision.decision == semconv.CANARY_ROLLBACK
    _print_where(demo, story, written)
    print(f"  HTML report: {report}")
    print(f"  audit bundle: {evidence} (harness audit verify {evidence})")
    print(f"\ndone in {time.monotonic() - started:.1f} s: " + _verdict(story, blocked, decision.decision))
    return 0 if blocked and rolled_back else 1


def _record(demo: DemoHome) -> tuple[EvalStory, datetime]:
    """Steps 1-5: everything the story puts in the lake, through the app's telemetry."""
    telemetry = instrumentation.configure(SYSTEM, home=demo.root, price_book=demo.price_book, set_global=False)
    now = datetime.now(UTC)
    try:
        with serve(scenario=scenario_path()) as server:
            print(f"[1] local model server at {server.openai_base_url}, scenario {scenario_path().name}")
            print(f"[2] telemetry: service {SYSTEM!r} -> lake {demo.lake}")
            print(f"[3] eval suite {suite_path().name} (baseline approved, baseline again, regressed candidate)")
            story = run_and_gate(demo, telemetry, server.openai_base_url)
            for agent_version, deployed in (("baseline", STABLE_VERSION), ("canary", CANARY_VERSION)):
                served = serve_release(
                    demo, server.openai_base_url, agent_version=agent_version, service_version=deployed
                )
                print(f"    production traffic: {deployed} ({agent_version}) answered {served.answered} questions, "
                      f"{served.failed} failed")  # fmt: skip
            scored = _serve_triage(telemetry)
            print(f"    classical system {TRIAGE_SYSTEM!r}: model version {TRIAGE_VERSION} triaged {scored} tickets")
        _print_gates(story)
        facts = backfill(now) + today(now, story.rerun.run_id, story.candidate.run_id) + canary_release(now)
        record(facts, telemetry=telemetry)
    finally:
        telemetry.shutdown()
    print(f"\n[5] recorded {len(facts)} facts: four weeks of changes, deployments, incidents, a rollback, audits,")
    print(f"    today's release {STABLE_VERSION} gated by {story.rerun.run_id} and its canary {CANARY_VERSION}")
    return story, now


def _judge_canary(demo: DemoHome, now: datetime) -> CanaryDecision:
    """Step 6: harness canary on today's traffic, 1.9.1 against 1.9.0; a rollback is recorded as a deployment."""
    decision, recorded = judge_canary(demo, CANARY_VERSION, now, datetime.now(UTC))
    print(f"\n[6] harness canary --system {SYSTEM} --baseline {STABLE_VERSION} --canary {CANARY_VERSION}: "
          f"{decision.decision.upper()}")  # fmt: skip
    for line in canary_text(decision).splitlines()[2:]:
        print(f"  {line}" if line else "")
    if recorded.rollback_id:
        print(
            f"  recorded rollback {recorded.rollback_id} of {recorded.rolls_back} (counted in CFR and time to restore)"
        )
    return decision


def _report(demo: DemoHome, now: datetime) -> Path:
    """Step 9: the HTML report of the last 30 days, LLM and classical side by side."""
    options = report.Options(home=demo.root, since=_iso(now - WINDOW), systems_file=demo.catalogue)
    written = report.write(options, demo.reports / "report.html", command="harness demo")
    print(f"\n[9] HTML report: {written.path} ({written.bytes / 1024:.0f} KiB, {written.seconds:.1f} s)")
    return written.path


def _audit(demo: DemoHome, now: datetime) -> Path:
    """Step 7: the audit bundle of the support desk's last 30 days (recorded as an audit request fulfilled)."""
    made = audit.bundle(SYSTEM, now - WINDOW, datetime.now(UTC), demo.reports / "audit-support-desk", home=demo.root,
                        systems_file=demo.catalogue)  # fmt: skip
    problems = audit.verify(made.folder)
    verdict = "verified" if not problems else "NOT verified: " + "; ".join(problems)
    print(f"\n[7] audit bundle: {made.folder} ({verdict})")
    return made.folder


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _serve_triage(telemetry: instrumentation.Telemetry) -> int:
    """The classical system's production traffic: every question, as a ticket, scored by the triage model."""
    tickets = [question.question for question in load_questions()] * 4
    return len(triage(tickets, model=TRIAGE_MODELS[TRIAGE_VERSION], telemetry=telemetry))


def _score(demo: DemoHome, now: datetime) -> list[Written]:
    """Step 6: the scorecards of the last 30 days (LLM and classical apart), written and printed."""
    written = write_scorecards(demo, now)
    for out in written:
        print(f"\n[8] scorecard of the {out.kind} systems, last 30 days ({out.json}):\n")
        table = scoring.render(out.card, "table")
        print(_indent(table if out.kind == "llm" else table.split("\ncriteria:")[0]))
    print("\n    agent trajectories by version (trajectory_by_version over the lake):")
    print(_indent("\n".join(trajectory_table(demo.lake))))
    return written


def _print_gates(story: EvalStory) -> None:
    print("\n[4] eval gate")
    print("\n".join(summary(story.candidate_gate)))
    rerun = story.rerun_gate
    print(f"  gate {rerun.candidate_run} (baseline again) vs {rerun.baseline_run}: {rerun.decision.upper()}")


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" if line else "" for line in text.splitlines())


def _print_where(demo: DemoHome, story: EvalStory, written: list[Written]) -> None:
    outputs = story.gate_outputs
    print("\n[10] where everything went")
    print(f"  lake (Parquet, otel_traces columns): {demo.lake}")
    for kind, system, spans in lake_summary(demo.lake):
        print(f"    {spans:>5} {kind:<14} spans of {system}")
    print(f"  eval runs (copies under {demo.root / 'evals' / 'runs'}):")
    print(f"    {story.approved.run_id} baseline, approved as the suite's baseline")
    print(f"    {story.rerun.run_id} baseline again, gate {story.rerun_gate.decision} (shipped today as 1.9.0)")
    print(f"    {story.candidate.run_id} candidate, gate {story.candidate_gate.decision}")
    print(f"  gate outputs: {outputs.markdown}, {outputs.json}, {outputs.junit}")
    for out in written:
        print(f"  {out.kind} scorecard: {out.json} and {out.markdown}")
    print(f"  systems catalogue: {demo.catalogue}")
    print(f"  next: harness score --home {demo.root} --format markdown")


def _verdict(story: EvalStory, blocked: bool, canary_decision: str) -> str:
    problems = []
    if not blocked:
        problems.append(
            f"the gate decided {story.candidate_gate.decision!r} for the regressed candidate {story.candidate.run_id} "
            f"(expected 'regression'); see {story.gate_outputs.markdown}"
        )
    if canary_decision != semconv.CANARY_ROLLBACK:
        problems.append(f"the canary {CANARY_VERSION} was decided {canary_decision!r} (expected 'rollback')")
    if not problems:
        return "the gate blocked the regressed candidate and the canary was rolled back, as expected."
    return "the story did not hold: " + "; ".join(problems)
