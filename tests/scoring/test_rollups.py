"""The per-day roll-ups of the spans (scoring/sql/tables/*_rollup.sql) give what scanning every span gives.

int_llm_call_groups, met_cost_per_request, int_call_histogram, met_orphan_spans, int_agent_activity and
int_model_call_stats (through int_latency_bins: exact percentiles, as quantile_cont over every call) sum the whole
days of a window from the roll-ups and read spans only for its partial first and last days; the reference below
is each view as it read the spans before, compared on windows that start and end mid-day, at midnight, within
one day and beyond the lake, for both kinds of system.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from opentelemetry import trace
from opentelemetry.trace import SpanContext, TraceFlags

import scoring
from instrumentation import semconv
from instrumentation.lake import _compact, compact, compacted_from
from scoring import _sql
from scoring._clickhouse import ClickHouseEngine
from scoring._engine import Engine
from scoring._scope import scope_rows
from tests.scoring import _lake
from tests.scoring.test_clickhouse import _same

REFERENCE = {
    "int_llm_call_groups": """
        SELECT
            system, feature, model,
            count(*) AS calls,
            count(*) FILTER (WHERE is_error) AS failed_calls,
            count(*) FILTER (WHERE NOT is_error) AS completed_calls,
            count(*) FILTER (WHERE NOT is_error AND usage_absent_reason IS NOT NULL) AS usage_absent_calls,
            count(*) FILTER (WHERE NOT is_error AND usage_absent_reason IS NULL) AS usage_calls,
            count(*) FILTER (WHERE NOT is_error AND usage_absent_reason IS NULL AND input_tokens IS NOT NULL
                AND output_tokens IS NOT NULL) AS with_tokens,
            count(*) FILTER (WHERE NOT is_error AND usage_absent_reason IS NULL AND cost IS NOT NULL) AS with_cost,
            count(*) FILTER (WHERE NOT is_error AND usage_absent_reason IS NULL AND recorded_cost IS NOT NULL)
                AS with_recorded_cost,
            count(*) FILTER (WHERE NOT is_error AND request_model IS NOT NULL) AS with_request_model,
            count(*) FILTER (WHERE NOT is_error AND response_model IS NOT NULL) AS with_response_model,
            count(*) FILTER (WHERE NOT is_error AND prompt_version IS NOT NULL) AS with_prompt_version,
            count(cost) AS priced_calls,
            count(*) FILTER (WHERE NOT is_error AND cost IS NOT NULL) AS priced_completed,
            sum(cost) AS cost_usd
        FROM stg_llm_calls
        WHERE counted
        GROUP BY system, feature, model
    """,
    "met_cost_per_request": """
        WITH per_request AS (
            SELECT
                trace_key,
                sum(cost) FILTER (WHERE counted) AS cost_usd,
                count(cost) FILTER (WHERE counted) > 0
                    AND count(*) FILTER (WHERE counted AND NOT is_error AND cost IS NULL) = 0 AS priced
            FROM stg_llm_calls
            GROUP BY trace_key
        )
        SELECT
            count(*) AS requests,
            count(*) FILTER (WHERE priced) AS priced_requests,
            sum(cost_usd) FILTER (WHERE priced) AS cost_usd,
            avg(cost_usd) FILTER (WHERE priced) AS cost_per_request_usd,
            CASE WHEN count(*) = 0 THEN NULL ELSE count(*) FILTER (WHERE priced) / count(*) END AS priced_share
        FROM per_request
    """,
    "met_orphan_spans": """
        SELECT
            count(*) AS spans_with_parent,
            avg(CASE WHEN s.span_key IN (SELECT span_key FROM orphans) THEN 1.0 ELSE 0.0 END) AS orphan_share
        FROM stg_scoped_spans AS s
        WHERE s.span_class IN ('inference', 'tool') AND s.parent_key IS NOT NULL
    """,
    "int_model_call_stats": """
        SELECT
            CASE WHEN grouping(feature) = 0 THEN 'feature' WHEN grouping(model) = 0 THEN 'model' ELSE 'all' END
                AS dimension,
            coalesce(feature, model) AS value,
            count(*) AS calls,
            count(*) FILTER (WHERE is_error) AS failed,
            quantile_cont(duration_ms, [0.5, 0.95, 0.99]) AS latency_ms
        FROM (
            SELECT coalesce(feature, '(unattributed)') AS feature, coalesce(model, '(unknown)') AS model, duration_ms,
                is_error
            FROM stg_model_calls
        ) AS calls
        GROUP BY GROUPING SETS ((), (feature), (model))
    """,
    "int_agent_activity": """
        SELECT
            (SELECT count(*) FROM stg_agent_runs) AS runs,
            (SELECT count(termination) FROM stg_agent_runs) AS terminated_runs,
            (SELECT count(*) FROM stg_agent_steps) AS tool_steps,
            (SELECT count(*) FILTER (WHERE tool_allowed AND tool_owner IS NOT NULL) FROM stg_agent_steps)
                AS governed_steps
    """,
    "met_trajectory": """
        SELECT
            coalesce(agent_name, '(unnamed)') AS agent,
            coalesce(agent_version, '(unversioned)') AS version,
            count(*) AS runs,
            avg(steps) AS mean_steps,
            quantile_cont(steps, 0.95) AS p95_steps,
            avg(tool_calls) AS mean_tool_calls,
            avg(retries) AS mean_retries,
            avg(CASE WHEN termination = 'completed' THEN 1.0 ELSE 0.0 END) AS completed_share,
            avg(CASE WHEN termination IS NOT NULL THEN 1.0 ELSE 0.0 END) AS termination_recorded_share,
            avg(CASE WHEN is_error THEN 1.0 ELSE 0.0 END) AS error_rate,
            quantile_cont(duration_ms, 0.95) AS p95_duration_ms
        FROM stg_agent_runs
        GROUP BY coalesce(agent_name, '(unnamed)'), coalesce(agent_version, '(unversioned)')
        ORDER BY agent, version
    """,
    "int_call_histogram": """
        SELECT
            date_diff('day', getvariable('since'), ts) // 7 AS week,
            latency_bin,
            tokens_bin,
            count(*) AS calls
        FROM stg_model_calls
        GROUP BY ALL
    """,
}
START = _lake.t("2026-03-02T00:00:00")


def _write_calls(home: Path, days: range) -> None:
    """Calls of two systems at varied hours of ``days`` (from START): features, costs, errors, usage not
    counted or absent, unpriced models, traces whose calls straddle midnight, and orphans."""
    for service in ("support", "search"):
        w = _lake.SpanWriter(home, service)
        for day in days:
            for hour in (0, 5, 11, 23):
                at = START + timedelta(days=day, hours=hour, minutes=7 * day % 60)
                stamp = at.strftime("%Y-%m-%dT%H:%M:%S")
                extra = {
                    "HARNESS_FEATURE": ("refund", "faq", None)[(day + hour) % 3],
                    "GEN_AI_USAGE_COST_AMOUNT": None if (day + hour) % 4 == 0 else 0.01 * (hour + 1),
                    "ERROR_TYPE": "timeout" if (day * hour) % 7 == 3 else None,
                    "HARNESS_USAGE_ABSENT_REASON": "stream" if (day + hour) % 5 == 1 else None,
                    "GEN_AI_RESPONSE_MODEL": "unpriced-model" if hour == 11 and day % 2 else "gpt-4o-mini-2024-07-18",
                }
                root = w.llm(stamp, 100 + hour + (day * 5 % 6) * 0.37, **_lake.attrs(**extra))  # days rank apart
                nested = (at + timedelta(minutes=55)).strftime("%Y-%m-%dT%H:%M:%S")  # past midnight at 23:07+
                w.llm(nested, 50 + day * 0.05, parent=root, **_lake.attrs(HARNESS_USAGE_COUNTED=hour != 5))
                if hour in (0, 23):  # a call whose parent never reaches the lake: an orphan
                    sampled = SpanContext(day + 1, hour + 7, is_remote=True, trace_flags=TraceFlags(1))
                    lost = trace.NonRecordingSpan(sampled)
                    w.llm(stamp, 20, parent=lost)
        w.close()
    _write_predictions(home, days)
    _write_agent_runs(home, days)


def _write_agent_runs(home: Path, days: range) -> None:
    """Agent runs of two versions, some without a recorded termination, some failed, some without roll-up
    counts, of tied and varied durations, each with tool steps of allowed and refused tools, owned or not, some
    straddling midnight."""
    w = _lake.SpanWriter(home, "support")
    for day in days:
        for hour in (1, 12, 23):
            at = START + timedelta(days=day, hours=hour, minutes=40)
            stamp = at.strftime("%Y-%m-%dT%H:%M:%S")
            run = _lake.attrs(GEN_AI_OPERATION_NAME=semconv.OP_INVOKE_AGENT, GEN_AI_AGENT_NAME="helper")
            if (day + hour) % 4:
                run[semconv.HARNESS_AGENT_TERMINATION] = "completed"
            if hour != 12:  # a run without its roll-up counts the averages and the p95 of steps skip
                run[semconv.HARNESS_AGENT_ROLLUP_STEPS] = (day * 13 + hour) % 17 + 1
                run[semconv.HARNESS_AGENT_ROLLUP_TOOL_CALLS] = 3
            if day % 2:
                run[semconv.HARNESS_AGENT_ROLLUP_RETRIES] = hour % 3
                run[semconv.GEN_AI_AGENT_VERSION] = "v2"
            if (day + hour) % 5 == 0:
                run[semconv.ERROR_TYPE] = "TimeoutError"
            took = (90 * 60_000 + (day * 31 + hour) * 997, 1_250.5, 1_250.5 + (day * hour) % 9, 7.25)[(day + hour) % 4]
            root = w.span("invoke_agent helper", stamp, took, run)
            for step in range(3):
                tool = _lake.attrs(GEN_AI_OPERATION_NAME=semconv.OP_EXECUTE_TOOL, GEN_AI_TOOL_NAME="lookup")
                tool[semconv.HARNESS_TOOL_ALLOWED] = (day + step) % 3 != 0
                if step != 1:
                    tool[semconv.HARNESS_TOOL_OWNER] = "support-team"
                begun = (at + timedelta(minutes=30 * step)).strftime("%Y-%m-%dT%H:%M:%S")
                w.span("execute_tool lookup", begun, 5, tool, parent=root)
    w.close()


def _write_predictions(home: Path, days: range) -> None:
    """Predictions of a classical system (what stg_model_calls reads beside LLM calls): repeated and
    sub-millisecond durations, some in the latency bins of the LLM calls, a failure, and a model-less one."""
    w = _lake.SpanWriter(home, "triage")
    for day in days:
        for hour in (2, 9, 23):
            stamp = (START + timedelta(days=day, hours=hour, minutes=3 * day)).strftime("%Y-%m-%dT%H:%M:%S")
            attributes = _lake.attrs(
                HARNESS_RECORD_TYPE=semconv.RECORD_PREDICTION, HARNESS_SYSTEM_KIND=semconv.SYSTEM_KIND_CLASSICAL
            )
            if hour != 9:
                attributes[semconv.HARNESS_FEATURE] = "routing"
            if hour != 23:
                attributes[semconv.HARNESS_MODEL_NAME] = "triage-lr"
            if (day + hour) % 5 == 0:
                attributes[semconv.ERROR_TYPE] = "ValueError"
            w.span("predict triage-lr", stamp, (0.25, 7.0, 50.02 + day * 0.05)[(day + hour) % 3], attributes)
    w.close()


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("rollups") / ".harness"
    _write_calls(home, range(0, 6))
    return home


@pytest.fixture(scope="module")
def duck(home: Path, price_book: Path) -> Iterator[Engine]:
    engine = Engine(home / "lake", None, price_book)
    yield engine
    engine.close()


def _scoped(engine: Engine | ClickHouseEngine, scope: scoring.Scope) -> None:
    rows = scope_rows(engine, [], scope)
    engine.set_scope(scope.since, scope.until, scope.env, rows, views=list(REFERENCE))


def _window(start_minutes: int, length_minutes: int, kind: str = "llm") -> scoring.Scope:
    since = START + timedelta(minutes=start_minutes)
    return scoring.Scope.of(since, since + timedelta(minutes=length_minutes), kind=kind)


def _assert_as_reference(engine: Engine | ClickHouseEngine, reference: Engine) -> None:
    for view, sql in REFERENCE.items():
        cursor = reference.conn.execute(sql)
        names = [d[0] for d in cursor.description or []]
        expected = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        got = engine.rows(view)
        assert _same(expected, got), f"{view}\n reference: {expected}\n rolled up: {got}"
        if isinstance(engine, Engine):  # the same column types too (a sum of counts is HUGEINT, a count BIGINT)
            assert engine.frame(view).schema == reference.select(sql).schema, view


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    start=st.one_of(st.integers(-2 * 1440, 7 * 1440), st.integers(-2, 7).map(lambda d: d * 1440)),
    length=st.one_of(st.integers(1, 8 * 1440), st.integers(1, 8).map(lambda d: d * 1440)),
    kind=st.sampled_from(scoring.KINDS),
)
def test_the_rolled_up_views_equal_scanning_every_span(duck: Engine, start: int, length: int, kind: str) -> None:
    _scoped(duck, _window(start, length, kind))
    _assert_as_reference(duck, duck)


@pytest.mark.parametrize(
    ("start", "length", "kind"),
    [
        (0, 6 * 1440, "llm"),
        (5 * 60 + 3, 3 * 1440 + 7, "llm"),
        (1440 - 60, 600, "llm"),
        (5 * 60 + 3, 4 * 1440, "classical"),
    ],
)
def test_chdb_rolls_up_as_duckdb(
    home: Path, duck: Engine, price_book: Path, start: int, length: int, kind: str
) -> None:
    click = ClickHouseEngine.open(None, home / "lake", price_book)
    try:
        scope = _window(start, length, kind)
        _scoped(click, scope)
        _scoped(duck, scope)
        if kind == "llm":
            assert duck.rows("int_llm_call_groups"), "the window holds calls"
            assert duck.rows("met_orphan_spans")[0]["orphan_share"], "and orphans"
            activity = duck.rows("int_agent_activity")[0]
            assert activity["runs"] and activity["tool_steps"], "and agent runs with tool steps"
        else:
            assert {row["value"] for row in duck.rows("int_model_call_stats")} == {
                None,
                "routing",
                "(unattributed)",
                "triage-lr",
                "(unknown)",
            }, "and predictions"
        _assert_as_reference(click, duck)
    finally:
        click.close()


def test_the_fixture_holds_agent_runs_with_and_without_termination_and_governed_and_ungoverned_steps(
    duck: Engine,
) -> None:
    _scoped(duck, _window(0, 6 * 1440))
    activity = duck.rows("int_agent_activity")[0]
    assert (
        0 < activity["terminated_runs"] < activity["runs"] and 0 < activity["governed_steps"] < activity["tool_steps"]
    )


def test_a_sync_with_new_segments_rebuilds_the_rollups(tmp_path: Path, price_book: Path) -> None:
    home = tmp_path / ".harness"
    _write_calls(home, range(0, 2))
    database = tmp_path / "harness.duckdb"
    scope = _window(0, 5 * 1440)
    first = Engine(home / "lake", database, price_book)
    first.close()
    _write_calls(home, range(2, 4))  # new segments, seen by the next open's sync
    engine = Engine(home / "lake", database, price_book)
    try:
        assert engine.loaded_segments > 0
        _scoped(engine, scope)
        _assert_as_reference(engine, engine)
    finally:
        engine.close()


def _rolled_up(engine: Engine) -> dict[str, list[dict[str, object]]]:
    found = {}
    for table in _sql.ROLLUPS:
        cursor = engine.conn.execute(f"SELECT * FROM {table}")
        names = [d[0] for d in cursor.description or []]
        found[table] = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return found


def test_rollups_grown_sync_by_sync_equal_one_whole_build(tmp_path: Path, price_book: Path) -> None:
    """A sync that only adds segments adds their roll-up rows; one whose eval case marks an older segment's calls
    rebuilds them whole. Either way the roll-ups equal one build over the finished lake, a trace whose calls
    landed in two segments included (none of its rows is its only one)."""
    home = tmp_path / ".harness"
    database = tmp_path / "grown.duckdb"

    def sync() -> str | None:
        """Sync the kept database; check its roll-ups against one build over the lake as it is now."""
        engine = Engine(home / "lake", database, price_book)
        built = Engine(home / "lake", None, price_book)
        try:
            expected, got = _rolled_up(built), _rolled_up(engine)
        finally:
            engine.close()
            built.close()
        for table in _sql.ROLLUPS:
            assert _same(expected[table], got[table]), f"{table}\n one build: {expected[table]}\n grown: {got[table]}"
        return engine.rolled_up

    _write_calls(home, range(0, 2))
    assert sync() == "whole"  # the first load
    _write_calls(home, range(2, 3))
    assert sync() == "grown"
    at = START + timedelta(days=1, hours=10)
    first = _lake.SpanWriter(home, "support")
    root = first.llm(at.strftime("%Y-%m-%dT%H:%M:%S"), 120)
    first.close()
    assert sync() == "grown"  # the trace's one row so far is whole
    second = _lake.SpanWriter(home, "support")
    second.llm((at + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%S"), 80, parent=root)
    second.close()
    assert sync() == "grown"  # now it is not, on either side
    case = _lake.SpanWriter(home, "support")
    case.span(
        "eval case",
        at.strftime("%Y-%m-%dT%H:%M:%S"),
        1,
        _lake.attrs(HARNESS_RECORD_TYPE=semconv.RECORD_EVAL_CASE, HARNESS_EVAL_CASE_ID="q1"),
        parent=root,
    )
    case.close()
    case_segment = max((home / "lake" / "otel_traces").rglob("*.parquet"), key=lambda p: p.stat().st_mtime_ns)
    assert sync() == "whole"  # the case marks the older segments' calls of its trace as eval traffic
    _write_calls(home, range(3, 4))
    assert sync() == "grown"
    assert sync() is None  # nothing changed

    grown = Engine(home / "lake", database, price_book)
    try:
        spread = "SELECT count(DISTINCT segment) FROM trace_rollup GROUP BY trace_key ORDER BY 1 DESC LIMIT 1"
        assert grown.conn.execute(spread).fetchone() == (2,)
        marked = "SELECT count(*) FROM spans WHERE eval_traffic AND record_type IS NULL"
        assert grown.conn.execute(marked).fetchone() == (2,)
        _scoped(grown, _window(0, 5 * 1440))
        _assert_as_reference(grown, grown)
    finally:
        grown.close()
    case_segment.unlink()  # the eval case vanishes (retention, a deleted file): its trace's calls are traffic again
    assert sync() == "whole"
    grown = Engine(home / "lake", database, price_book)
    try:
        assert grown.conn.execute(marked).fetchone() == (0,)
    finally:
        grown.close()


def _lake_segments(home: Path) -> list[Path]:
    return sorted((home / "lake" / "otel_traces").rglob("*.parquet"))


def _table(engine: Engine, table: str) -> list[tuple[object, ...]]:
    return sorted(engine.conn.execute(f"SELECT * FROM {table}").fetchall(), key=repr)


def _sums(engine: Engine, table: str) -> list[dict[str, object]]:
    """A table's rows, ordered by everything but their floats (sums, equal up to the order they were added in)."""
    cursor = engine.conn.execute(f"SELECT * FROM {table}")
    names = [column[0] for column in cursor.description]
    rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return sorted(rows, key=lambda row: repr([v for v in row.values() if not isinstance(v, float)]))


def test_a_compaction_of_loaded_segments_relabels_their_rows_and_scores_as_one_build(
    tmp_path: Path, price_book: Path
) -> None:
    """A compaction that merged segments the database had loaded gives their rows the merged segment's name, with
    nothing read again or rebuilt; what scores equals one build over the compacted lake. One that merged a
    segment never loaded (or one loaded at another size) is read as before."""
    home = tmp_path / ".harness"
    database = tmp_path / "kept.duckdb"
    for days in (range(0, 2), range(1, 3), range(2, 4)):  # several segments a day, traces across two of them
        _write_calls(home, days)
    first, second = _lake.SpanWriter(home, "support"), _lake.SpanWriter(home, "support")
    at = (START + timedelta(days=1, hours=3)).strftime("%Y-%m-%dT%H:%M:%S")
    root = first.llm(at, 40, **_lake.attrs(GEN_AI_USAGE_COST_AMOUNT=0.5))  # a request split across two segments
    second.llm(at, 30, parent=root, **_lake.attrs(GEN_AI_USAGE_COST_AMOUNT=0.25))  # of one day, merged into one
    first.close()
    second.close()
    Engine(home / "lake", database, price_book).close()
    compacted = compact(home / "lake")
    assert compacted.segments_in > compacted.segments_out > 0

    def as_one_build() -> str | None:
        engine = Engine(home / "lake", database, price_book)
        built = Engine(home / "lake", None, price_book)
        try:
            for table in ("segments", "spans", "fact_spans", "orphans", "unpriced"):
                assert _table(engine, table) == _table(built, table), table
            # the roll-ups too: a merge's rows summed as one segment's (before, one row per input and key stayed)
            for table in ("span_rollup", *_sql.ROLLUPS):
                assert _same(_sums(built, table), _sums(engine, table)), table
            windows = ((0, 4 * 1440), (300, 2 * 1440 + 7), (1440, 1440), (-60, 10 * 1440))
            views = [*REFERENCE, "met_trajectory", "met_latency", "met_cost_per_feature", "met_cost_per_request"]
            for (start, length), kind in itertools.product(windows, scoring.KINDS):
                scope = _window(start, length, kind)
                for scoped in (engine, built):
                    scoped.set_scope(scope.since, scope.until, scope.env, scope_rows(scoped, [], scope), views=views)
                _assert_as_reference(engine, built)
                for view in views:
                    assert _same(built.rows(view), engine.rows(view)), view
            return engine.rolled_up
        finally:
            engine.close()
            built.close()

    assert as_one_build() == "relabelled"
    min(_lake_segments(home)).unlink()  # a merged segment goes (retention): none of its rows may stay behind
    assert as_one_build() == "whole"
    _write_calls(home, range(4, 5))  # never loaded, then merged with a loaded one
    compact(home / "lake", small_bytes=1 << 40)
    assert as_one_build() == "whole"


def _stamp(days: float) -> str:
    return (START + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%S")


def test_a_merge_sums_again_a_request_that_also_reaches_an_unmerged_segment(tmp_path: Path, price_book: Path) -> None:
    """The roll-ups summed again for a merge mark a request whose calls are also in a segment the compaction left
    alone (another day's, its only one) as no row's only one, as one build does; and a merge that arrives with a
    writer's new segment in one sync is summed again, then grown by the new segment."""
    home = tmp_path / ".harness"
    database = tmp_path / "kept.duckdb"
    first, second = _lake.SpanWriter(home, "support"), _lake.SpanWriter(home, "support")
    split = first.llm(_stamp(1.1), 40, **_lake.attrs(GEN_AI_USAGE_COST_AMOUNT=0.5))  # in both merged inputs
    second.llm(_stamp(1.1), 30, parent=split, **_lake.attrs(GEN_AI_USAGE_COST_AMOUNT=0.25))
    reaching = first.llm(_stamp(1.2), 40, **_lake.attrs(GEN_AI_USAGE_COST_AMOUNT=0.1))  # and the next day's
    growing = first.llm(_stamp(1.3), 40, **_lake.attrs(GEN_AI_USAGE_COST_AMOUNT=0.1))  # and a later segment
    second.llm(_stamp(1.3), 30, parent=growing, **_lake.attrs(GEN_AI_USAGE_COST_AMOUNT=0.1))
    first.close()
    second.close()
    alone = _lake.SpanWriter(home, "support")
    alone.llm(_stamp(2.1), 20, parent=reaching, **_lake.attrs(GEN_AI_USAGE_COST_AMOUNT=0.2))
    alone.close()

    def as_one_build() -> str | None:
        engine = Engine(home / "lake", database, price_book)
        built = Engine(home / "lake", None, price_book)
        try:
            for table in ("segments", "spans", "unpriced", "call_costs"):
                assert _table(engine, table) == _table(built, table), table
            for table in ("span_rollup", *_sql.ROLLUPS):
                assert _same(_sums(built, table), _sums(engine, table)), table
            return engine.rolled_up
        finally:
            engine.close()
            built.close()

    Engine(home / "lake", database, price_book).close()
    assert compact(home / "lake").segments_out == 1  # day 1's two segments; day 2's only one stays
    assert as_one_build() == "relabelled"
    late = _lake.SpanWriter(home, "support")
    late.llm(_stamp(1.4), 10)
    late.close()
    Engine(home / "lake", database, price_book).close()
    assert compact(home / "lake").segments_out == 1
    newest = _lake.SpanWriter(home, "support")  # arrives with the merge: one sync sees both
    newest.llm(_stamp(1.3), 25, parent=growing, **_lake.attrs(GEN_AI_USAGE_COST_AMOUNT=0.3))
    newest.close()
    assert as_one_build() == "grown"


def test_a_merge_of_a_segment_rewritten_since_it_was_loaded_is_read_not_relabelled(
    tmp_path: Path, price_book: Path
) -> None:
    """A compaction names each input at its size then: one the database loaded at another size (rewritten
    meanwhile, here one span shorter) holds other rows, so the merged segment is read again, not relabelled."""
    import pyarrow.parquet as pq

    home = tmp_path / ".harness"
    database = tmp_path / "kept.duckdb"
    _write_calls(home, range(0, 1))
    Engine(home / "lake", database, price_book).close()
    rewritten = max(_lake_segments(home), key=lambda path: pq.ParquetFile(path).metadata.num_rows)
    table = pq.read_table(rewritten)
    pq.write_table(table.slice(1), rewritten)
    compact(home / "lake")
    kept = Engine(home / "lake", database, price_book)
    built = Engine(home / "lake", None, price_book)
    try:
        assert kept.rolled_up == "whole"
        assert _table(kept, "spans") == _table(built, "spans")
    finally:
        kept.close()
        built.close()


def test_a_merge_whose_inputs_vanished_meanwhile_names_no_inputs_not_its_first_inputs_own(
    tmp_path: Path, price_book: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A compaction whose first input is an earlier merge, while another input is set aside before its size is
    read, writes a segment naming no inputs: not the earlier merge's (its first table's metadata), which would
    relabel rows the database holds to a segment that also holds rows never loaded, and lose those."""
    home = tmp_path / ".harness"
    database = tmp_path / "kept.duckdb"
    _write_calls(home, range(0, 1))
    Engine(home / "lake", database, price_book).close()  # the day's segments loaded
    compact(home / "lake")  # merged into one (never synced by the kept database)
    _write_calls(home, range(0, 1))  # new segments beside the merge
    read = _compact._read_inputs

    def set_aside_after_reading(lake_dir: Path, paths: list[Path], result: object) -> dict[Path, object]:
        tables = read(lake_dir, paths, result)  # type: ignore[arg-type]
        for path in tables:
            if compacted_from(path) is None:
                path.unlink()  # a reader set it aside after the compaction read it
        return dict(sorted(tables.items(), key=lambda item: compacted_from(item[0]) is None))  # the merge first

    monkeypatch.setattr(_compact, "_read_inputs", set_aside_after_reading)
    compact(home / "lake")
    monkeypatch.undo()
    assert [compacted_from(path) for path in _lake_segments(home)] == [None, None]  # one a day, two days
    kept = Engine(home / "lake", database, price_book)
    built = Engine(home / "lake", None, price_book)
    try:
        assert _table(kept, "spans") == _table(built, "spans")
    finally:
        kept.close()
        built.close()


def test_agent_runs_none_of_which_records_a_termination_completed_none(tmp_path: Path, price_book: Path) -> None:
    """Whole days of agent runs without harness.agent.termination: none completed, a share of 0, not unknown
    (DuckDB's count_if over a group whose condition is NULL on every row is NULL, not 0: the SQL counts with
    count(*) FILTER, test_sql_graph)."""
    home = tmp_path / ".harness"
    w = _lake.SpanWriter(home, "support")
    at = (START + timedelta(days=1, hours=10)).strftime("%Y-%m-%dT%H:%M:%S")
    w.span(
        "invoke_agent helper",
        at,
        500,
        _lake.attrs(GEN_AI_OPERATION_NAME=semconv.OP_INVOKE_AGENT, GEN_AI_AGENT_NAME="h"),
    )
    w.close()
    engine = Engine(home / "lake", None, price_book)
    try:
        _scoped(engine, _window(0, 3 * 1440))
        _assert_as_reference(engine, engine)
        (run,) = engine.rows("met_trajectory")
        assert (run["runs"], run["completed_share"], run["termination_recorded_share"]) == (1, 0.0, 0.0)
    finally:
        engine.close()


def test_the_percentiles_equal_quantile_cont_over_many_distinct_durations(tmp_path: Path, price_book: Path) -> None:
    """Durations spread over six powers of ten, some repeated, over three days and two features: the fine bins
    split them into hundreds of runs, and every percentile of every group still equals quantile_cont's."""
    import random

    rng = random.Random(20261202)
    home = tmp_path / ".harness"
    w = _lake.SpanWriter(home, "support")
    for i in range(600):
        at = START + timedelta(days=i % 3, seconds=rng.randrange(86_400))
        ms = round(10 ** rng.uniform(-2, 4), 6) if i % 7 else 42.0  # every seventh call lasts 42 ms
        feature = _lake.attrs(HARNESS_FEATURE=("refund", "faq")[i % 2])
        w.llm(at.strftime("%Y-%m-%dT%H:%M:%S"), ms, **feature)
    w.close()
    engine = Engine(home / "lake", None, price_book)
    try:
        for start, length in ((0, 3 * 1440), (301, 2 * 1440 + 17)):
            _scoped(engine, _window(start, length))
            rows = {(r["dimension"], r["value"]): r["latency_ms"] for r in engine.rows("int_model_call_stats")}
            assert len(rows) == 4  # all, two features, one model
            expected = engine.conn.execute(REFERENCE["int_model_call_stats"]).fetchall()
            assert {(d, v): pytest.approx(q, rel=1e-12) for d, v, _, _, q in expected} == rows
    finally:
        engine.close()


def test_the_whole_days_of_a_window_are_its_utc_midnights_inside_it() -> None:
    from datetime import UTC, datetime, timezone

    from scoring._engine import whole_days

    midnight = datetime(2026, 3, 2, tzinfo=UTC)
    day = timedelta(days=1)
    naive = midnight.replace(tzinfo=None)
    assert whole_days(midnight, midnight + 3 * day) == (naive, naive + 3 * day)
    tick = timedelta(microseconds=1)
    assert whole_days(midnight + tick, midnight + 3 * day - tick) == (naive + day, naive + 2 * day)
    assert whole_days(midnight + 5 * tick, midnight + 9 * tick) == (naive + day, naive)  # within a day: none
    plus_two = timezone(timedelta(hours=2))  # 02:00 at +02:00 is midnight UTC
    assert whole_days(datetime(2026, 3, 2, 2, tzinfo=plus_two), midnight + day) == (naive, naive + day)
