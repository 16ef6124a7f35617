"""The report's charts as Vega-Lite specs (altair), rendered to inline SVG by vl-convert: no JavaScript to view.

Every builder takes plain rows (dicts) and returns a chart, or None when the rows hold nothing to draw, so
the page says so in words instead of showing an empty frame.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import altair as alt
import vl_convert

Row = dict[str, Any]
Chart = alt.TopLevelMixin  # what every builder returns: a chart vl-convert can render

FONT = "Inter, 'Segoe UI', Helvetica, Arial, sans-serif"
WIDTH = 470  # px of the plotting area: two charts side by side in the page's 1240 px
HEIGHT = 180
KIND_COLOURS = {"llm": "#3b6ea5", "classical": "#d9822b"}
BAND_COLOURS = {"elite": "#1a7f4b", "high": "#6bb36b", "medium": "#e3b341", "low": "#c4473a"}
_CONFIG: dict[str, Any] = {
    "font": FONT,
    "view": {"stroke": None},
    "axis": {"labelFontSize": 11, "titleFontSize": 11, "titleFontWeight": 500, "gridColor": "#e8e8e8"},
    "legend": {"labelFontSize": 11, "titleFontSize": 11, "orient": "bottom"},
    "title": {"fontSize": 13, "anchor": "start"},
}


@dataclass(frozen=True, slots=True)
class Band:
    """A criterion's threshold drawn as a rule on a chart: ``L3 ≤ 0.25``."""

    level: int
    op: str
    threshold: float

    @property
    def label(self) -> str:
        return f"L{self.level} {self.op} {self.threshold:g}"


def spec(chart: alt.TopLevelMixin, *, validate: bool = False) -> dict[str, Any]:
    """The chart's Vega-Lite spec with the report's look. Validation against the schema costs more than the
    rendering, so the tests validate every chart (``validate=True``) and the command does not."""
    configured = chart.configure(**_CONFIG)
    found: dict[str, Any] = configured.to_dict(validate=validate)
    return found


def svg(chart: alt.TopLevelMixin) -> str:
    """The chart as an SVG element (no XML prologue), its text as text so it reads and scales."""
    text: str = vl_convert.vegalite_to_svg(spec(chart))
    return text[text.index("<svg") :]


def _data(rows: Sequence[Row]) -> alt.Data:
    return alt.Data(values=list(rows))  # type: ignore[no-untyped-call]  # altair's generated classes are untyped


def _chart(chart: Any) -> Chart:
    return cast(Chart, chart)  # altair's composition operators are untyped


def _has(rows: Sequence[Row], field: str = "value") -> bool:
    return any(row.get(field) is not None for row in rows)


def _kind_colour(rows: Sequence[Row]) -> alt.Color:
    """One colour per kind of system (LLM blue, classical orange), only the kinds drawn in the legend."""
    kinds = [kind for kind in KIND_COLOURS if any(row.get("kind") == kind for row in rows)]
    return alt.Color("kind:N", title=None, scale=alt.Scale(domain=kinds, range=[KIND_COLOURS[k] for k in kinds]))


def _week_axis(weeks: Sequence[str]) -> alt.X:
    """Every week of the window on the x axis, in order, whether or not it has data (so charts line up)."""
    return alt.X("week:O", title="week starting", scale=alt.Scale(domain=list(weeks)), axis=alt.Axis(labelAngle=0))


def _drawn(rows: Sequence[Row]) -> list[Row]:
    return [row for row in rows if row.get("value") is not None]


def levels(rows: Sequence[Row]) -> Chart | None:
    """One bar per axis and kind: the level (1 to 5), LLM and classical side by side."""
    if not rows:
        return None
    base = alt.Chart(_data(rows)).encode(
        y=alt.Y("axis:N", title=None, sort=None),
        yOffset=alt.YOffset("kind:N", sort=list(KIND_COLOURS)),
        x=alt.X("level:Q", title="level", scale=alt.Scale(domain=[0, 5]), axis=alt.Axis(values=[1, 2, 3, 4, 5])),
    )
    bars = base.mark_bar(height={"band": 0.9}).encode(color=_kind_colour(rows))
    labels = base.mark_text(align="left", dx=4, fontSize=11).encode(text="level:Q")
    return _chart((bars + labels).properties(width=WIDTH, height=46 * len({r["axis"] for r in rows})))


def _rules(bands: Sequence[Band]) -> list[alt.Chart]:
    if not bands:
        return []
    data = _data([{"y": b.threshold, "label": b.label} for b in bands])
    rule = alt.Chart(data).mark_rule(color="#888", strokeDash=[4, 3]).encode(y="y:Q")
    text = (
        alt.Chart(data)
        .mark_text(align="right", baseline="bottom", dy=-2, color="#666", fontSize=10)
        .encode(y="y:Q", text="label:N", x=alt.value(WIDTH))
    )
    return [rule, text]


def weekly_line(
    rows: Sequence[Row], weeks: Sequence[str], title: str, *, bands: Sequence[Band] = (), fmt: str = ",.3~g"
) -> Chart | None:
    """``value`` by ``week`` and ``kind`` (weeks with a null value have no point), with the criteria's thresholds."""
    if not _has(rows):
        return None
    drawn = _drawn(rows)
    base = alt.Chart(_data(drawn)).encode(
        x=_week_axis(weeks),
        y=alt.Y("value:Q", title=title, axis=alt.Axis(format=fmt)),
        color=_kind_colour(drawn),
    )
    marks = base.mark_line(point=alt.OverlayMarkDef(size=40))
    return _chart(alt.layer(marks, *_rules(bands)).properties(width=WIDTH, height=HEIGHT))


def deploy_frequency(rows: Sequence[Row], weeks: Sequence[str]) -> Chart | None:
    """Deployments per week by kind, each week's point coloured by its deploy-days band (elite to low)."""
    if not _has(rows):
        return None
    drawn = _drawn(rows)
    bands = list(BAND_COLOURS)
    base = alt.Chart(_data(drawn)).encode(
        x=_week_axis(weeks),
        y=alt.Y("value:Q", title="deployments per week", axis=alt.Axis(format=",.3~g")),
    )
    several = len({row["kind"] for row in drawn}) > 1  # one kind: no legend for it
    line = base.mark_line(color="#aaa").encode(detail="kind:N")
    points = base.mark_point(filled=True, size=80).encode(
        color=alt.Color(
            "band:N", title="deploy-days band", scale=alt.Scale(domain=bands, range=[BAND_COLOURS[b] for b in bands])
        ),
        shape=alt.Shape("kind:N", title=None) if several else alt.Undefined,
    )
    return _chart((line + points).properties(width=WIDTH, height=HEIGHT))


def _stacked(rows: Sequence[Row], weeks: Sequence[str], y: alt.Y, colour: alt.Color, height: int) -> Chart:
    """Bars by week, stacked by ``colour``."""
    return _chart(
        alt.Chart(_data(rows))
        .mark_bar()
        .encode(x=_week_axis(weeks), y=y, color=colour)
        .properties(width=WIDTH, height=height)
    )


def stacked_cost(rows: Sequence[Row], weeks: Sequence[str]) -> Chart | None:
    """Cost per feature per week, stacked (the week's total is the bar)."""
    if not _has(rows):
        return None
    y = alt.Y("sum(value):Q", title="cost (USD)", axis=alt.Axis(format="$.2~g"))
    colour = alt.Color("feature:N", title="feature", scale=alt.Scale(scheme="tableau10"))
    return _stacked(_drawn(rows), weeks, y, colour, HEIGHT)


def by_model(rows: Sequence[Row], weeks: Sequence[str], title: str) -> Chart | None:
    """Percentiles (``stat``: p50, p95, p99) of a duration by week, one colour per model, one dash per percentile."""
    if not _has(rows):
        return None
    return _chart(
        alt.Chart(_data(_drawn(rows)))
        .mark_line(point=alt.OverlayMarkDef(size=30))
        .encode(
            x=_week_axis(weeks),
            y=alt.Y("value:Q", title=title, axis=alt.Axis(format=",.4~g")),
            color=alt.Color("model:N", title="model", scale=alt.Scale(scheme="tableau10")),
            strokeDash=alt.StrokeDash(
                "stat:N",
                title="percentile",
                sort=["p50", "p95", "p99"],
                legend=alt.Legend(symbolType="stroke", symbolStrokeColor="#555"),
            ),
        )
        .properties(width=WIDTH, height=HEIGHT)
    )


def trajectory(rows: Sequence[Row], figures: Sequence[str]) -> Chart | None:
    """Trajectory figures per agent version (one panel per figure, each on its own scale)."""
    if not _has(rows):
        return None
    return _chart(
        alt.Chart(_data(_drawn(rows)))
        .mark_bar()
        .encode(
            x=alt.X("version:N", title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("value:Q", title=None, axis=alt.Axis(format=",.3~g")),
            color=alt.Color("agent:N", title="agent", scale=alt.Scale(scheme="tableau10")),
            xOffset="agent:N",
        )
        .properties(width=130, height=110)
        .facet(facet=alt.Facet("figure:N", title=None, sort=list(figures)), columns=3)
        .resolve_scale(y="independent")
    )


def gate_counts(rows: Sequence[Row], weeks: Sequence[str]) -> Chart | None:
    """Gate (or canary) decisions per week, stacked by decision."""
    if not rows:
        return None
    y = alt.Y("count():Q", title="decisions", axis=alt.Axis(tickMinStep=1))
    colour = alt.Color("decision:N", title="decision", scale=alt.Scale(scheme="set2"))
    return _stacked(rows, weeks, y, colour, 140)
