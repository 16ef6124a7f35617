"""The scorecard as pydantic models: the JSON shape fixed in DESIGN.md ("The scorecard JSON"), extended.

Every key DESIGN.md names keeps its meaning; the additions (statuses counted per axis, the
reproducibility axis's answer per system, the metrics the views already compute, whether the window's
data is complete) sit beside them.
The metrics, with how each is read and shown, are in ``_metrics.py``.
A metric whose inputs are absent is null, never 0; where they are partly absent the share that was
present is reported beside the value.
"""

from __future__ import annotations

from typing import Literal

from scoring._frozen import Frozen as _Frozen
from scoring._metrics import Metrics
from scoring._names import Axis, Kind

Status = Literal["pass", "fail", "unknown", "n/a"]
Answer = Literal["yes", "no", "unknown"]


class Window(_Frozen):
    since: str
    until: str


class SystemInfo(_Frozen):
    name: str
    kind: Kind
    owner: str | None = None


class CriterionResult(_Frozen):
    id: str
    level: int
    status: Status
    value: float | None
    threshold: float | None
    evidence: str
    description: str = ""
    reason: str | None = None  # why unknown or n/a, or who attested
    counted_apart: dict[str, int] = {}  # rows neither covered nor a gap (e.g. calls that reported no usage)
    failing: list[str] = []  # the rows that fail it, by id, where the criterion names them (a failing change)


class SystemAnswer(_Frozen):
    system: str
    answer: Answer
    reason: str


class AxisAnswer(_Frozen):
    """The seed's question for the axis, answered from the evidence (reproducibility: per system)."""

    question: str
    answer: str
    systems: list[SystemAnswer]


class AxisScore(_Frozen):
    level: int
    evidence_coverage: float  # (pass + fail) / applicable criteria (n/a excluded)
    counts: dict[str, int]  # criteria per status: pass, fail, unknown, n/a
    criteria: list[CriterionResult]
    next_level: list[str]
    answer: AxisAnswer | None = None


class DataCompleteness(_Frozen):
    """What the lake's export health records say of the window: spans written and dropped, by cause."""

    status: Literal["complete", "incomplete", "unknown"]  # unknown: no health record in the window
    written: int | None = None
    dropped: int | None = None
    dropped_by_cause: dict[str, int] = {}
    dropped_share: float | None = None  # dropped / (written + dropped)
    writers: int = 0  # writers that reported in the window
    unreadable: list[str] = []  # health record files that did not read
    reason: str | None = None  # unknown because the source holds no health records at all (a ClickHouse server)


class Scorecard(_Frozen):
    window: Window
    kind: Kind
    systems: list[SystemInfo]
    axes: dict[Axis, AxisScore]
    metrics: Metrics
    evidence_command: str = ""  # the command prefix every criterion's evidence runs under
    warnings: list[str] = []
    data_completeness: DataCompleteness = DataCompleteness(status="unknown")
