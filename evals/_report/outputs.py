"""The gate's outputs: a Markdown summary, JUnit XML (one test case per item) and JSON; and its span."""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from evals._gate.decision import GateResult
from evals._gate.policy import PASS
from instrumentation import semconv

_ICONS = {semconv.GATE_PASS: "✅", semconv.GATE_REGRESSION: "❌", semconv.GATE_INCONCLUSIVE: "⚠️"}


def _fmt(x: float) -> str:
    return "n/a" if isinstance(x, float) and math.isnan(x) else f"{x:.4g}"


def markdown(result: GateResult) -> str:
    level = round(100 * (1 - 2 * result.alpha))
    lines = [
        f"## Eval gate: {result.suite} {_ICONS[result.decision]} {result.decision}",
        "",
        f"Candidate `{result.candidate_run}` vs approved baseline `{result.baseline_run}` "
        f"on {len(result.paired.case_ids)} paired items (alpha {result.alpha}, {level}% intervals).",
        "",
        "| metric | test | baseline | candidate | delta | interval | p (Holm) | margin | detectable | verdict |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for m in result.metrics:
        lines.append(
            f"| {m.name} | {m.test} | {_fmt(m.baseline)} | {_fmt(m.candidate)} | {_fmt(m.delta)} | "
            f"[{_fmt(m.low)}, {_fmt(m.high)}] | {_fmt(m.p_value)} ({_fmt(m.p_adjusted)}) | {_fmt(m.margin)} | "
            f"{_fmt(m.detectable)} | {m.verdict} |"
        )
    if result.reasons:
        lines += ["", *[f"- {reason}" for reason in result.reasons]]
    return "\n".join(lines) + "\n"


def write_step_summary(text: str) -> None:
    """Append to ``$GITHUB_STEP_SUMMARY`` when running in GitHub Actions."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if target:
        with open(target, "a", encoding="utf-8") as f:
            f.write(text + "\n")


def junit(result: GateResult) -> str:
    """A ``testcase`` per item, failing when it regressed (passed in the baseline only), is missing or errored."""
    paired = result.paired
    base, cand = paired.base.get(PASS, []), paired.cand.get(PASS, [])
    suite = ET.Element("testsuite", name=f"eval-gate {result.suite}")
    failures = 0
    for i, case_id in enumerate(paired.case_ids):
        case = ET.SubElement(suite, "testcase", classname=result.suite, name=case_id)
        b, c = base[i] if i < len(base) else None, cand[i] if i < len(cand) else None
        props = ET.SubElement(case, "properties")
        for key, value in (("baseline_pass", b), ("candidate_pass", c), ("traces", paired.traces.get(case_id))):
            ET.SubElement(props, "property", name=key, value=json.dumps(value))
        if b is not None and c is not None and c < b:
            detail = paired.failures.get(case_id, "")
            first = detail.splitlines()[0] if detail else "failed"
            message = f"passed in baseline ({b:.2f}), fails in candidate ({c:.2f}): {first}"
            ET.SubElement(case, "failure", message=message).text = detail
            failures += 1
    defects = paired.candidate
    closed = [(c, "missing item: fails closed") for c in defects.missing]
    closed += [(c, f"errored item: fails closed: {message}") for c, message in defects.errored.items()]
    closed += [(c, "more than one result for one repeat: fails closed") for c in defects.duplicated]
    for case_id, message in closed:
        case = ET.SubElement(suite, "testcase", classname=result.suite, name=case_id)
        ET.SubElement(case, "failure", message=message[:1000])
        failures += 1
    for case_id in paired.replayed:
        case = ET.SubElement(suite, "testcase", classname=result.suite, name=case_id)
        ET.SubElement(case, "skipped", message="replayed from the baseline run: not evidence")
    suite.set("tests", str(len(suite)))
    suite.set("failures", str(failures))
    root = ET.Element("testsuites")
    root.append(suite)
    return ET.tostring(root, encoding="unicode", xml_declaration=True)


def as_json(result: GateResult) -> dict[str, Any]:
    def clean(x: float) -> float | None:
        return None if math.isnan(x) else x

    return {
        "decision": result.decision,
        "exit_code": result.exit_code,
        "suite": result.suite,
        "candidate_run": result.candidate_run,
        "baseline_run": result.baseline_run,
        "alpha": result.alpha,
        "items": len(result.paired.case_ids),
        "missing": result.paired.missing,
        "errored": result.paired.errored,
        "duplicated": result.paired.candidate.duplicated,
        "extra": result.paired.extra,
        "replayed": result.paired.replayed,
        "system": result.system,
        "reasons": result.reasons,
        "metrics": [
            {
                "name": m.name,
                "test": m.test,
                "n": m.n,
                **{k: clean(getattr(m, k)) for k in ("baseline", "candidate", "delta", "low", "high", "detectable")},
                "p_value": m.p_value,
                "p_adjusted": m.p_adjusted,
                "margin": m.margin,
                "verdict": m.verdict,
                "note": m.note,
            }
            for m in result.metrics
        ],
    }


def write_outputs(
    result: GateResult, *, markdown_path: Path | None, junit_path: Path | None, json_path: Path | None
) -> None:
    renderers: list[tuple[Path | None, Callable[[], str]]] = [
        (markdown_path, lambda: markdown(result)),
        (junit_path, lambda: junit(result)),
        (json_path, lambda: json.dumps(as_json(result), indent=2)),
    ]
    for path, render in renderers:
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(render(), encoding="utf-8")
