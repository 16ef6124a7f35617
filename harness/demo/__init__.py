"""``harness demo``: the whole loop offline on the embedded default, in under a minute.

1. start the local model server with the reference app's scenario;
2. configure telemetry (lake exporter) for the app, service ``support-desk``;
3. run the support-agent eval suite on the baseline (approved as the baseline), the baseline again and the
   regressed candidate, then serve production traffic with the shipped baseline (eval traffic stays out of
   production metrics);
4. gate the second baseline run (it passes and ships today) and the candidate: the gate must block it
   (``regression``);
5. record four weeks of the team's history as facts (changes, deployments, an incident and its rollback,
   audit requests) plus today's gated release, and write the systems catalogue;
6. score the last 30 days into ``reports/scorecard.json`` and ``.md`` and compare the versions' trajectories;
7. print where everything went. Exit 0 when the gate blocked the regression, 1 when the story did not hold.

Everything lands in HARNESS_HOME (``--home``, default ``./.harness``); a rerun clears only the demo's own outputs.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

import instrumentation
import scoring
from harness.app import (
    TRIAGE_MODELS,
    TRIAGE_SYSTEM,
    load_questions,
    make_client,
    run_questions,
    scenario_path,
    trajectory_table,
    triage,
)
from harness.demo._evals import EvalStory, run_and_gate, suite_path, summary
from harness.demo._history import TRIAGE_VERSION, backfill, today
from harness.demo._home import SYSTEM, DemoHome, DemoHomeError, prepare
from harness.demo._report import Written, lake_summary, write_scorecards
from harness.facts import record
from harness.model_server import serve
from instrumentation import semconv

__all__ = ["DemoHomeError", "run_demo"]


def run_demo(home: str | None = None) -> int:
    """Run the story in ``home`` (default HARNESS_HOME); 0 when the gate blocked the regressed candidate."""
    started = time.monotonic()
    demo = prepare(instrumentation.load_settings({"home": home}).home)
    print(f"harness demo in {demo.root} (offline: a local model server stands in for the providers)\n")
    story, now = _record(demo)
    written = _score(demo, now)
    blocked = story.candidate_gate.decision == semconv.GATE_REGRESSION
    _print_where(demo, story, written)
    print(f"\ndone in {time.monotonic() - started:.1f} s: " + _verdict(story, blocked))
    return 0 if blocked else 1


def _record(demo: DemoHome) -> tuple[EvalStory, datetime]:
    """Steps 1-5: everything the story puts in the lake, through one telemetry of the app."""
    telemetry = instrumentation.configure(SYSTEM, home=demo.root, price_book=demo.price_book, set_global=False)
    try:
        with serve(scenario=scenario_path()) as server:
            print(f"[1] local model server at {server.openai_base_url}, scenario {scenario_path().name}")
            print(f"[2] telemetry: service {SYSTEM!r} -> lake {demo.lake}")
            print(f"[3] eval suite {suite_path().name} (baseline approved, baseline again, regressed candidate)")
            story = run_and_gate(demo, telemetry, server.openai_base_url)
            served = _serve_production(telemetry, server.openai_base_url)
            print(f"    production traffic: the shipped baseline answered {served} support questions")
            scored = _serve_triage(telemetry)
            print(f"    classical system {TRIAGE_SYSTEM!r}: model version {TRIAGE_VERSION} triaged {scored} tickets")
        _print_gates(story)
        now = datetime.now(UTC)
        facts = backfill(now) + today(now, story.rerun.run_id, story.candidate.run_id)
        record(facts, telemetry=telemetry)
    finally:
        telemetry.shutdown()
    print(f"\n[5] recorded {len(facts)} facts: four weeks of changes, deployments, incidents, a rollback, audits")
    print(f"    and today's release 1.9.0, gated by {story.rerun.run_id}; systems catalogue {demo.catalogue}")
    return story, now


def _serve_production(telemetry: instrumentation.Telemetry, base_url: str) -> int:
    """The shipped baseline answering the question set as users would ask it: production spans."""
    client = make_client(base_url, telemetry=telemetry)
    questions = [question.question for question in load_questions()]
    return len(run_questions(questions, version="baseline", client=client, telemetry=telemetry))


def _serve_triage(telemetry: instrumentation.Telemetry) -> int:
    """The classical system's production traffic: every question, as a ticket, scored by the triage model."""
    tickets = [question.question for question in load_questions()] * 4
    return len(triage(tickets, model=TRIAGE_MODELS[TRIAGE_VERSION], telemetry=telemetry))


def _score(demo: DemoHome, now: datetime) -> list[Written]:
    """Step 6: the scorecards of the last 30 days (LLM and classical apart), written and printed."""
    written = write_scorecards(demo, now)
    for out in written:
        print(f"\n[6] scorecard of the {out.kind} systems, last 30 days ({out.json}):\n")
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
    print("\n[7] where everything went")
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


def _verdict(story: EvalStory, blocked: bool) -> str:
    if blocked:
        return "the gate blocked the regressed candidate, as expected."
    return (
        f"the story did not hold: the gate decided {story.candidate_gate.decision!r} for the regressed candidate "
        f"{story.candidate.run_id} (expected 'regression'); see {story.gate_outputs.markdown}"
    )
