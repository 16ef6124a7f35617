"""The scorecard as text: a terminal table, Markdown, or the DESIGN.md JSON."""

from __future__ import annotations

import re

from scoring._completeness import line as completeness_line
from scoring._metrics import metric_lines
from scoring._model import AxisScore, CriterionResult, Scorecard
from scoring._names import FORMATS
from scoring._text import number

_MARK = {"pass": "ok", "fail": "FAIL", "unknown": "?", "n/a": "n/a"}
_BACKTICKS = re.compile(r"`+")


def _apart(c: CriterionResult) -> str:
    if not c.counted_apart:
        return ""
    return "counted apart: " + ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in c.counted_apart.items())


def _note(c: CriterionResult) -> str:
    failing = f"falling short: {', '.join(c.failing)}" if c.failing else ""
    return "; ".join(part for part in (c.reason or "", _apart(c), failing) if part)


def _counts(axis: AxisScore) -> str:
    return ", ".join(f"{axis.counts.get(status, 0)} {status}" for status in ("pass", "fail", "unknown", "n/a"))


def _table(card: Scorecard) -> str:
    systems = ", ".join(s.name for s in card.systems) or "(none)"
    lines = [f"scorecard ({card.kind}) {card.window.since} .. {card.window.until}", f"systems: {systems}"]
    lines += [completeness_line(card.data_completeness), ""]
    lines.append(f"{'axis':<16} {'level':>5} {'coverage':>9}  {'criteria':<36}  next level needs")
    for name, axis in card.axes.items():
        first = axis.next_level[0] if axis.next_level else "—"
        lines.append(f"{name:<16} {axis.level:>5} {axis.evidence_coverage:>9.0%}  {_counts(axis):<36}  {first}")
    answer = card.axes["reproducibility"].answer
    if answer is not None:
        lines += ["", f"rebuild from versioned code and data: {answer.answer}"]
        lines += [f"  {s.system}: {s.answer} ({s.reason})" for s in answer.systems]
    lines += ["", "criteria:"]
    for axis in card.axes.values():
        for c in axis.criteria:
            shown = f"{number(c.value):>10} (threshold {number(c.threshold)})"
            note = _note(c) if c.status in ("n/a", "unknown") or c.counted_apart or c.failing else ""
            lines.append(f"  L{c.level} {_MARK[c.status]:<4} {c.id:<34} {shown}" + (f"  {note}" if note else ""))
    lines += ["", "metrics:"]
    lines += [f"  {key:<31} {text}" for key, text in metric_lines(card.metrics)]
    lines += ["", f'evidence: {card.evidence_command} "<the criterion\'s SQL>" (as in the JSON and Markdown)']
    return "\n".join(lines)


def code(text: str) -> str:
    """``text`` as one Markdown code span (a fence longer than any backtick run inside), safe in a table cell."""
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    fence = "`" * (longest + 1)
    padded = f" {text} " if text.startswith("`") or text.endswith("`") else text
    return f"{fence}{padded}{fence}".replace("|", "\\|")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _axis_markdown(name: str, axis: AxisScore) -> list[str]:
    lines = ["", f"## {name} (level {axis.level})", "", f"Criteria: {_counts(axis)}.", ""]
    lines += [
        "| level | criterion | status | value | threshold | note | evidence |",
        "|---:|---|---|---:|---:|---|---|",
    ]
    for c in axis.criteria:
        lines.append(
            f"| {c.level} | {code(c.id)} | {c.status} | {number(c.value)} | {number(c.threshold)} "
            f"| {_cell(_note(c))} | {code(c.evidence)} |"
        )
    if axis.answer is not None:
        lines += ["", f"**{axis.answer.question}** {axis.answer.answer}.", ""]
        lines += [f"- {code(s.system)}: {s.answer} ({s.reason})" for s in axis.answer.systems]
    if axis.next_level:
        lines += ["", "Missing for the next level:", ""] + [f"- {_cell(item)}" for item in axis.next_level]
    return lines


def _markdown(card: Scorecard) -> str:
    lines = [
        f"# AI-operations scorecard ({card.kind})",
        "",
        f"Window: {code(card.window.since)} to {code(card.window.until)}",
        "",
    ]
    lines += [f"> warning: {_cell(w)}" for w in card.warnings]
    if card.data_completeness.status == "unknown":
        lines += [f"> {completeness_line(card.data_completeness)}"]
    lines += ["| system | kind | owner |", "|---|---|---|"]
    lines += [f"| {s.name} | {s.kind} | {s.owner or '—'} |" for s in card.systems]
    lines += ["", "| axis | level | evidence coverage | pass | fail | unknown | n/a |"]
    lines += ["|---|---:|---:|---:|---:|---:|---:|"]
    lines += [
        f"| {name} | {a.level} | {a.evidence_coverage:.0%} | "
        + " | ".join(str(a.counts.get(s, 0)) for s in ("pass", "fail", "unknown", "n/a"))
        + " |"
        for name, a in card.axes.items()
    ]
    for name, axis in card.axes.items():
        lines += _axis_markdown(name, axis)
    lines += ["", "## Operational metrics", "", "| metric | value |", "|---|---|"]
    lines += [f"| {key} | {_cell(text)} |" for key, text in metric_lines(card.metrics)]
    lines += ["", f"Run any criterion's evidence as printed; the scope is {code(card.evidence_command)}."]
    return "\n".join(lines) + "\n"


def render(card: Scorecard, fmt: str = "table") -> str:
    """The scorecard as ``table``, ``json`` (DESIGN.md shape) or ``markdown``."""
    if fmt == "json":
        return card.model_dump_json(indent=2)
    if fmt == "markdown":
        return _markdown(card)
    if fmt == "table":
        return _table(card)
    raise ValueError(f"format {fmt!r}: use one of {', '.join(FORMATS)}")
