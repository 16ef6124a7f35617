"""``harness report`` over the fixture lake: the figures it shows are the ones worked out by hand here.

Chart marks carry their data in ``aria-label`` (Vega-Lite's accessible descriptions), so a test reads what a
chart drew from the SVG itself, not from the rows it was given.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markupsafe import escape

import scoring
from harness import report
from harness.cli import main
from harness.report import _charts, _figures
from instrumentation import semconv
from tests.harness import _report_lake
from tests.scoring import _lake
from tests.scoring._lake import WINDOW

NOW = datetime(2026, 3, 30, 12, 0, tzinfo=UTC)
WEEK = {"since": "2026-03-02T00:00:00Z", "until": "2026-03-09T00:00:00Z"}  # one week: a quicker report


@pytest.fixture(autouse=True, scope="module")
def price_book(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The price book that prices the scoring fixture's house model."""
    with _lake.priced(tmp_path_factory.mktemp("prices")) as path:
        yield path


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory, price_book: Path) -> Path:
    root = tmp_path_factory.mktemp("report") / ".harness"
    _report_lake.write_report_lake(root)
    return root


@pytest.fixture(scope="module")
def data(home: Path) -> report.ReportData:
    return report.gather(report.Options(home=home, **WINDOW))


@pytest.fixture(scope="module")
def html(data: report.ReportData) -> str:
    return report.build(data, now=NOW)


class _Charts(HTMLParser):
    """The aria-labels of the data marks of each chart (``data-chart``), and the sections left empty."""

    def __init__(self) -> None:
        super().__init__()
        self.marks: dict[str, list[str]] = {}
        self.empty: list[str] = []
        self.scripts = 0
        self._chart: str | None = None
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "script":
            self.scripts += 1
        if found.get("data-empty"):
            self.empty.append(str(found["data-empty"]))
        if found.get("data-chart"):
            self._chart, self._depth = str(found["data-chart"]), 0
            self.marks[self._chart] = []
        elif self._chart is not None:
            self._depth += 1
            label = found.get("aria-label")
            if found.get("role") == "graphics-symbol" and label:
                self.marks[self._chart].append(label)

    def handle_endtag(self, tag: str) -> None:
        if self._chart is not None:
            if self._depth == 0:
                self._chart = None
            else:
                self._depth -= 1


def charts(html: str) -> _Charts:
    parser = _Charts()
    parser.feed(html)
    return parser


def test_levels_side_by_side_match_the_criteria(html: str) -> None:
    """The only evaluation evidence of the LLM system is one gate decision: level 2's criterion (an evaluation
    is recorded) passes and level 3's (eval runs in 3 of the last 4 weeks) cannot, with no eval run: level 2.
    The classical system `churn` has no deployment recorded: its deployment axis stays at level 1."""
    marks = charts(html).marks["levels"]
    assert "level: 2; axis: evaluation; kind: llm" in marks
    assert "level: 1; axis: deployment; kind: classical" in marks
    assert {m.rsplit("kind: ", 1)[1] for m in marks if "kind: " in m} == {"llm", "classical"}


def test_levels_are_the_scorecards(home: Path, html: str) -> None:
    for kind in scoring.KINDS:
        card = scoring.scorecard(home, _lake.scope(kind=kind))
        marks = charts(html).marks["levels"]
        for axis, score in card.axes.items():
            assert f"level: {score.level}; axis: {axis}; kind: {kind}" in marks


def test_latency_by_model_and_week(html: str) -> None:
    """Week of 02 Mar: gpt-4o-mini took 100, 200, 300, 600 ms, so p50 = 250 and p95 = 300 + 0.85 * 300 = 555
    (linear interpolation); week of 09 Mar: 400 ms; churn-xgb 20 and 40 ms, p50 30."""
    marks = charts(html).marks["latency"]
    gpt = "model: gpt-4o-mini-2024-07-18"
    assert f"week starting: 02 Mar; latency (ms): 250; {gpt}; percentile: p50" in marks
    assert f"week starting: 02 Mar; latency (ms): 555; {gpt}; percentile: p95" in marks
    assert f"week starting: 09 Mar; latency (ms): 400; {gpt}; percentile: p50" in marks
    assert "week starting: 02 Mar; latency (ms): 30; model: churn-xgb; percentile: p50" in marks


def test_weekly_operational_metrics(html: str) -> None:
    """d1 (02 Mar 12:00, change opened 36 h before) and d2 (04 Mar, 24 h): 2 deployments, lead time median 30 h;
    d1 has an incident, d2 none: change failure rate 50%. Week of 09 Mar: d3, rolled back by d4: 100%."""
    found = charts(html).marks
    assert "week starting: 02 Mar; deployments per week: 2; deploy-days band: high" in found["deployment_frequency"]
    assert "week starting: 02 Mar; median lead time (h): 30; kind: llm" in found["lead_time"]
    assert "week starting: 02 Mar; change failure rate: 50%; kind: llm" in found["change_failure_rate"]
    assert "week starting: 09 Mar; change failure rate: 100%; kind: llm" in found["change_failure_rate"]
    assert "week starting: 02 Mar; cost (USD): $0.3; feature: ticket-summary" in found["cost_per_feature"]


def test_no_week_without_inputs_is_drawn_as_zero(html: str) -> None:
    """The week of 23 Mar holds no deployment: it has no point (a null), never a 0."""
    deploys = charts(html).marks["deployment_frequency"]
    assert not any(m.startswith("week starting: 23 Mar") for m in deploys)


CHARTED = (
    "deployment_frequency_per_week",
    "deployment_frequency_band",
    "lead_time_hours",
    "change_failure_rate",
    "time_to_restore_hours",
    "cost_per_feature_usd",
    "audit_evidence_response_hours",
    "error_rate",
)


@pytest.mark.parametrize("week", [0, 1, 2])
def test_weekly_figures_are_the_scorecard_of_that_week(home: Path, data: report.ReportData, week: int) -> None:
    llm = next(kind for kind in data.kinds if kind.kind == "llm")
    window, metrics = llm.weeks[week]
    card = scoring.scorecard(home, scoring.Scope.of(window.since, window.until))
    assert {name: getattr(metrics, name) for name in CHARTED} == {name: getattr(card.metrics, name) for name in CHARTED}


def test_bands_are_the_criteria_thresholds(html: str) -> None:
    assert _figures.bands("change_failure_rate") == (_charts.Band(3, "<=", 0.25), _charts.Band(4, "<", 0.10))
    assert "y: 0.25; label: L3 &lt;= 0.25" in html


def test_headline_latency_over_the_window(html: str) -> None:
    """Six LLM calls, 100 to 600 ms: p50 350, p95 500 + 0.75 * 100 = 575, p99 595."""
    assert "350 / 575 / 595 ms" in html


def test_gate_and_canary_decisions(html: str) -> None:
    assert "<code>g1</code>" in html
    assert html.count("<code>g1</code>") == 1  # the organisation-wide gate appears in both kinds' scopes, shown once
    assert re.search(r"<td>support</td><td>3</td><td>5</td>\s*<td class=\"decision-rollback\">rollback</td>", html)
    assert "error rate 0.20 above the baseline&#39;s 0.02" in html


def test_sections_without_data_say_so(html: str) -> None:
    parsed = charts(html)
    assert {"time_to_first_chunk", "trajectory"} <= set(parsed.empty)
    assert "time_to_first_chunk" not in parsed.marks
    assert "No agent run (invoke_agent span) in the window." in html
    assert parsed.scripts == 0


def test_every_chart_has_marks(html: str) -> None:
    for chart, marks in charts(html).marks.items():
        assert marks, chart


def test_criteria_table_has_evidence_and_next_level(data: report.ReportData, html: str) -> None:
    llm = next(kind for kind in data.kinds if kind.kind == "llm")
    evaluation = llm.card.axes["evaluation"]
    assert "Missing for level 3:" in html
    assert all(str(escape(item)) in html for item in evaluation.next_level)
    regular = next(c for c in evaluation.criteria if c.id == "eval.regular_runs")
    assert str(escape(regular.evidence)) in html


def test_no_canary_says_none_recorded(tmp_path: Path) -> None:
    home = tmp_path / ".harness"
    _lake.write_facts(home)
    html = report.build(report.gather(report.Options(home=home, **WEEK)))
    assert "No canary decision recorded in the window" in html
    assert "No classical ML system in scope" in html


def test_text_from_telemetry_is_escaped(tmp_path: Path) -> None:
    """A feature name is the app's text: it reaches the page as text, in the tables and in the charts."""
    home = tmp_path / ".harness"
    writer = _lake.SpanWriter(home, "<b>desk</b>")
    writer.llm(
        "2026-03-05T10:00:00", 100, **_lake.attrs(HARNESS_FEATURE="<script>x()</script>", GEN_AI_USAGE_COST_AMOUNT=0.1)
    )
    writer.close()
    html = report.build(report.gather(report.Options(home=home, **WEEK)))
    assert "<script" not in html and "<b>desk" not in html
    assert "&lt;script&gt;x()&lt;/script&gt;" in html


def test_every_chart_is_a_valid_vega_lite_spec(data: report.ReportData) -> None:
    days = _figures.weeks(data)
    built = [
        _charts.levels(_figures.level_rows(data)),
        _charts.deploy_frequency(_figures.deploy_rows(data), days),
        _charts.stacked_cost(_figures.cost_rows(data), days),
        _charts.by_model(_figures.latency_rows(data, (("p50", "p50"),)), days, "ms"),
        _charts.weekly_line(
            _figures.weekly_rows(data, lambda m: m.error_rate), days, "x", bands=[_charts.Band(3, "<", 1)]
        ),
        _charts.gate_counts([{"week": days[0], "decision": "pass"}], days),
    ]
    for chart in built:
        assert chart is not None
        _charts.spec(chart, validate=True)  # raises on a spec the Vega-Lite schema refuses


def test_command_writes_the_file(home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "r.html"
    assert main(["report", "--home", str(home), *_window(), "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("<!doctype html>")
    assert f"wrote {out}" in capsys.readouterr().out


def test_command_default_out_is_under_home(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--home", str(home), "--kind", "classical", *_window()]) == 0
    written = home / "reports" / "report.html"
    assert "classical ML systems" in written.read_text(encoding="utf-8")
    assert "LLM systems" not in written.read_text(encoding="utf-8")


def test_system_goes_to_its_kind(home: Path, tmp_path: Path) -> None:
    out = tmp_path / "churn.html"
    assert main(["report", "--home", str(home), "--system", "churn", *_window(), "--out", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert "level: 1; axis: deployment; kind: classical" in html and "kind: llm" not in html


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--system", "nope"], "no system named nope"),
        (["--kind", "classical", "--system", "support"], "score it with --kind llm"),
        (["--out", "/nonexistent-folder/r.html"], "--out /nonexistent-folder/r.html: the folder"),
        (["--since", "yesterday"], "since"),
        (["--kinds", "llm"], "unrecognized arguments: --kinds"),
    ],
)
def test_command_errors_are_one_line(
    home: Path, argv: list[str], needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "--home", str(home), *argv]) == 3
    err = capsys.readouterr().err
    assert "Traceback" not in err and needle in err, err


def test_canary_records_are_facts_in_scope(home: Path) -> None:
    frame = scoring.metric("stg_canary_decisions", home, _lake.scope())
    assert frame.select("decision", "canary_version", "baseline_version").rows() == [
        (semconv.CANARY_ROLLBACK, "5", "3")
    ]
    assert scoring.metric("stg_canary_decisions", home, _lake.scope(since="2026-03-21T00:00:00Z")).is_empty()


def _window() -> list[str]:
    return ["--since", WEEK["since"], "--until", WEEK["until"]]
