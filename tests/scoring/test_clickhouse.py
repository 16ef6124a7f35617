"""Parity: every view, metric and criterion gives the same rows on DuckDB and on chDB over the same lake.

The ClickHouse SQL is generated from the DuckDB files (scoring._dialect), never kept by hand, so this
is what proves the translation. The comparison rule, stated once:

- integers, strings, booleans and timestamps are equal exactly;
- floats are equal to 1e-9 relative: the engines sum in different orders. Quantiles are exact on both
  (quantile_cont -> quantileExactInclusive, the same linear interpolation), so they share that rule:
  no metric is approximate today; an approximate one (approx_quantile -> quantileTDigest) would get its
  own tolerance here;
- rows are compared as multisets (a view without ORDER BY has no order), and ``*_key`` columns are left
  out: they are engine-specific 64-bit hashes of the ids, joined on, never shown.

A view or criterion that does not translate, or that ClickHouse rejects, fails here: nothing is skipped.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("chdb", reason="the clickhouse extra (chdb) is part of the dev install")

import scoring
from instrumentation import semconv
from scoring import _dialect, _sql
from scoring._clickhouse import NO_HEALTH, ChdbClient, ClickHouseEngine
from scoring._engine import Engine
from scoring._model import DataCompleteness
from scoring._scope import scope_rows
from scoring._scorecard import compose
from scoring.errors import DialectError
from tests.scoring import _lake
from tests.scoring._exported import exported_otel_traces
from tests.scoring.test_completeness import _health

RELATIVE = 1e-9


def _normal(value: Any) -> Any:
    if isinstance(value, float):
        return None if math.isnan(value) else float(f"{value:.12g}")
    if isinstance(value, dict):
        return tuple(sorted((k, _normal(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_normal(v) for v in value)
    return value


def _rows(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return sorted((tuple((k, _normal(v)) for k, v in row.items() if not k.endswith("_key")) for row in rows), key=repr)


def _same(duck: list[dict[str, Any]], click: list[dict[str, Any]]) -> bool:
    left, right = _rows(duck), _rows(click)
    if len(left) != len(right):
        return False
    for a, b in zip(left, right, strict=True):
        if [k for k, _ in a] != [k for k, _ in b]:
            return False
        for (_, x), (_, y) in zip(a, b, strict=True):
            if isinstance(x, float) and isinstance(y, float | int):
                if not math.isclose(x, y, rel_tol=RELATIVE, abs_tol=1e-12):
                    return False
            elif x != y or (type(x) is not type(y) and not (isinstance(x, int) and isinstance(y, int))):
                return False
    return True


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture lake of every scoring test, plus the evaluation loop, so every view has rows."""
    home = tmp_path_factory.mktemp("parity") / ".harness"
    _lake.write_llm_calls(home)
    _lake.write_facts(home)
    judges = '{"helpfulness": "gpt-4o@v1", "exact": ""}'
    _lake.write_eval_run(home, "r1", "2026-03-10T00:00:00", HARNESS_EVAL_JUDGES=judges)
    _lake.write_eval_run(home, "r2", "2026-03-18T00:00:00", HARNESS_EVAL_FAILURE_MODES='["refusal", "tone"]')
    _lake.write_system_gate(home, "g2", "2026-03-11T00:00:00", ["steps", "tool_used_search"])
    _lake.write_calibration(home, "2026-03-09T00:00:00", "helpfulness", "gpt-4o", passed=True, kappa=0.8)
    _lake.write_sample(home, "2026-03-12T00:00:00", 3)
    _write_agent_runs(home)
    # export health records, so that data_completeness and obs.no_drops are compared too: one in the window
    # with drops, one without, one outside it
    _health(home, _lake.t("2026-03-05T00:00:00"), _lake.t("2026-03-05T01:00:00"), 990, {"queue_full": 8, "x": 2})
    _health(home, _lake.t("2026-03-12T00:00:00"), _lake.t("2026-03-12T01:00:00"), 500, {})
    _health(home, _lake.t("2025-01-01T00:00:00"), _lake.t("2025-01-01T01:00:00"), 5, {"queue_full": 500})
    return home


def _write_agent_runs(home: Path) -> None:
    """Two agent runs with tool steps and a streamed call (trajectory, governed tools, time to first chunk)."""
    w = _lake.SpanWriter(home, "support")
    for start, termination in (("2026-03-14T10:00:00", "completed"), ("2026-03-21T10:00:00", "max_steps")):
        run = w.span(
            "invoke_agent support",
            start,
            3000,
            _lake.attrs(
                GEN_AI_OPERATION_NAME=semconv.OP_INVOKE_AGENT,
                GEN_AI_AGENT_NAME="support",
                HARNESS_AGENT_TERMINATION=termination,
                HARNESS_AGENT_ROLLUP_STEPS=3,
                HARNESS_AGENT_ROLLUP_TOOL_CALLS=1,
            ),
        )
        tool = _lake.attrs(
            GEN_AI_OPERATION_NAME=semconv.OP_EXECUTE_TOOL, GEN_AI_TOOL_NAME="search_kb", HARNESS_TOOL_ALLOWED=True
        )
        w.span("execute_tool search_kb", start, 200, tool, parent=run)
        w.llm(start, 700, parent=run, **_lake.attrs(GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK=0.25))
    # token counts sent as doubles (an OTLP doubleValue, a float attribute): the lake holds "1000.0"
    w.llm("2026-03-22T10:00:00", 300, **_lake.attrs(GEN_AI_USAGE_INPUT_TOKENS=1000.0, GEN_AI_USAGE_OUTPUT_TOKENS=2e2))
    w.close()


def _engines(home: Path, price_book: Path) -> tuple[Engine, ClickHouseEngine]:
    return Engine(home / "lake", None, price_book), ClickHouseEngine.open(None, home / "lake", price_book)


@pytest.fixture(scope="module")
def engines(lake: Path, price_book: Path) -> Iterator[tuple[Engine, ClickHouseEngine]]:
    duck, click = _engines(lake, price_book)
    rows = scope_rows(duck, [], _lake.SCOPE)
    assert scope_rows(click, [], _lake.SCOPE) == rows
    for engine in (duck, click):
        engine.set_scope(_lake.SCOPE.since, _lake.SCOPE.until, _lake.SCOPE.env, rows)
    yield duck, click
    duck.close()
    click.close()


@pytest.mark.parametrize("view", _sql.VIEWS)
def test_every_view_metric_and_criterion_is_the_same_on_duckdb_and_chdb(
    engines: tuple[Engine, ClickHouseEngine], view: str
) -> None:
    duck, click = engines
    expected = duck.rows(view)
    got = click.rows(view)
    assert _same(expected, got), f"{view}\n duckdb: {expected}\n chdb:   {got}"


# attribute text as instrumentations write it: whole numbers as doubles, exponents, padding, halves, words
CAST_TEXTS = [
    "1000", "1000.0", "1e3", "1.5e3", "2e2", " 12 ", "\t7\n", "+5", "-0", "-2.5", "1000.5", "1001.5", "0.4",
    "9223372036854775807", "9223372036854775808", "1e30", "12abc", "", "nan", "inf", "-inf",
    "true", "false", "True", "t", "f", "1", "0", "yes", "no", " true ", "2",
    "1_000", "1_0_0_0", "1_000.5", "1.0_0", "1_000e3", "1__000", "_1000", "1000_", "0x10", "0X1f", "0b101", "0o17",
    "1e", ".5", "5.", "1,000", "-0x10", " 0x10 ", "0x", "0x1_0", "0x8000", "0x7FFFFFFFFFFFFFFF", "0x8000000000000000",
    "0x0000000000000000010", "0xg", "0b1_01", "-0b101",
]  # fmt: skip


@pytest.mark.parametrize("target", ["BIGINT", "INTEGER", "SMALLINT", "DOUBLE", "BOOLEAN"])
def test_try_cast_reads_attribute_text_as_duckdb_does(target: str) -> None:
    """Attributes are text in the lake (the exporter's Map(String, String)); every TRY_CAST of them in the loads
    must read the same number on both engines, whatever the instrumentation's value type was."""
    import duckdb

    query = f"SELECT v, TRY_CAST(v AS {target}) AS x FROM texts ORDER BY v"
    duck = duckdb.connect()
    duck.execute("CREATE TABLE texts (v VARCHAR)")
    duck.executemany("INSERT INTO texts VALUES (?)", [[text] for text in [*CAST_TEXTS, None]])
    expected = [{"v": v, "x": x} for v, x in duck.execute(query).fetchall()]
    click = ChdbClient()
    try:
        click.command("CREATE TABLE texts (v Nullable(String)) ENGINE = Memory")
        for text in [*CAST_TEXTS, None]:
            click.command("INSERT INTO texts VALUES ({v:Nullable(String)})", {"v": text})
        (statement,) = _dialect.translate(query)
        got = click.arrow(statement.sql).to_pylist()
    finally:
        click.close()
    assert _same(expected, got), "\n".join(f"{a} {b}" for a, b in zip(expected, got, strict=True) if a != b)


def test_the_parity_fixture_gives_every_metric_and_criterion_rows(engines: tuple[Engine, ClickHouseEngine]) -> None:
    """The parity above compares something: each metric and criterion view has rows with values in them."""
    duck, _ = engines
    for view in (*_sql.METRIC_VIEWS, *_sql.CRITERIA_VIEWS):
        rows = duck.rows(view)
        assert rows and any(v is not None for row in rows for v in row.values()), view


def test_the_scorecard_is_the_same_on_both_engines(lake: Path) -> None:
    duck = scoring.scorecard(lake, _lake.SCOPE, cache=False)
    click = scoring.scorecard(lake, _lake.SCOPE, engine="clickhouse")
    assert (duck.data_completeness.status, duck.data_completeness.dropped) == ("incomplete", 10)
    assert click.evidence_command == duck.evidence_command + " --engine clickhouse"  # the evidence runs there
    on_duckdb = json.loads(click.model_dump_json().replace(click.evidence_command, duck.evidence_command))
    assert _normal(on_duckdb) == _normal(json.loads(duck.model_dump_json()))


def test_chdb_loads_the_exporters_ddl_and_scores_rows_inserted_into_it(
    lake: Path, engines: tuple[Engine, ClickHouseEngine], price_book: Path
) -> None:
    """The otel_traces table exactly as the Collector's exporter creates it, filled, scores as the lake does."""
    from chdb import session as chdb_session

    session = chdb_session.Session()
    client = ChdbClient(session)
    client.command("DROP TABLE IF EXISTS default.otel_traces")
    for statement in exported_otel_traces(lake):
        client.command(statement)
    exported = ClickHouseEngine(client, source_table="default.otel_traces", price_book=price_book)
    duck, _ = engines
    rows = scope_rows(exported, [], _lake.SCOPE)
    exported.set_scope(_lake.SCOPE.since, _lake.SCOPE.until, _lake.SCOPE.env, rows)
    for view in (*_sql.METRIC_VIEWS, *_sql.CRITERIA_VIEWS):
        if view == "crit_observability":  # the exporter writes no health records: no dropped share to compare
            (signals,) = exported.rows(view)
            assert signals.pop("dropped_share") is None and exported.health_absent
            expected = [{k: v for k, v in row.items() if k != "dropped_share"} for row in duck.rows(view)]
            assert _same(expected, [signals]), view
        else:
            assert _same(duck.rows(view), exported.rows(view)), view
    card = compose(exported, _lake.SCOPE, rows, [], home=lake, systems_file=None)
    assert card.data_completeness == DataCompleteness(status="unknown", reason=NO_HEALTH)
    assert f"data completeness unknown: {NO_HEALTH}" in scoring.render(card, "table")
    exported.close()
    session.close()


def test_a_construct_without_a_clickhouse_rendering_is_an_error_not_a_guess() -> None:
    with pytest.raises(DialectError, match="from_json"):
        _dialect.translate('SELECT from_json(x, \'{"a": "INTEGER"}\') FROM t')
    with pytest.raises(DialectError, match=r"\$other"):
        _dialect.translate("SELECT * FROM t WHERE a IN (SELECT unnest($other))")


def test_the_translation_covers_every_file_of_every_layer() -> None:
    """Every table, load and view file translates (the staging folder's files whatever they are)."""
    for names in _sql.listing().values():
        for name in names:
            assert _dialect.translate(_sql.read(name)), name


def test_a_cte_read_more_than_once_is_computed_once_where_clickhouse_can_and_one_read_once_stays_inlined() -> None:
    """ClickHouse runs a CTE's query again at every place that reads it unless it is MATERIALIZED (met_trajectory
    read its edges, counts and wanted order statistics up to a dozen times: 1.8 s over 1M spans, 0.3 s so)."""
    query = (
        "WITH shared AS (SELECT 1 AS x UNION ALL SELECT 2 UNION ALL SELECT 3), "
        "once AS (SELECT x FROM shared WHERE x > 1) "
        "SELECT count(*) AS n FROM once JOIN shared AS s ON s.x = once.x"
    )
    (marked,) = _dialect.translate(query, materialize=True)
    assert "shared AS MATERIALIZED (" in marked.sql and "once AS (" in marked.sql
    (plain,) = _dialect.translate(query)
    assert "MATERIALIZED" not in plain.sql
    marked_views = {
        name for name in _sql.graph().views if _dialect.query(name, materialize=True) != _dialect.query(name)
    }
    assert {"met_trajectory", "met_drift"} <= marked_views
    click = ChdbClient()
    try:
        assert click.materialized_cte  # the locked chDB has enable_materialized_cte, and the client turned it on
        assert click.arrow(marked.sql).to_pylist() == click.arrow(plain.sql).to_pylist() == [{"n": 2}]
    finally:
        click.close()


@pytest.mark.parametrize(
    "optional",
    [
        {"harness_no_such_setting": (1, "SELECT 1")},  # an older ClickHouse: it would refuse the session
        {"enable_materialized_cte": (1, "SELECT harness_no_such_function()")},  # refused for another reason
    ],
)
def test_a_setting_whose_query_does_not_run_with_it_is_never_set(
    monkeypatch: pytest.MonkeyPatch, optional: dict[str, tuple[int, str]]
) -> None:
    """An optional setting is used only where a query that needs it runs with it (an older server, a readonly
    user, an experimental tier the server does not allow, no analyzer): else the views' CTEs stay unmarked."""
    from scoring import _clickhouse

    monkeypatch.setattr(_clickhouse, "OPTIONAL_SETTINGS", optional)
    click = ChdbClient()
    try:
        assert not click.materialized_cte
        assert click.arrow("SELECT 1 AS one").to_pylist() == [{"one": 1}]
    finally:
        click.close()


def test_a_users_recursive_or_correlated_cte_is_left_as_written() -> None:
    """ClickHouse refuses MATERIALIZED in a recursive WITH and on a correlated CTE: neither is marked, a
    recursive CTE's read of itself is not counted, and a user's query is never marked at all."""
    recursive = (
        "WITH RECURSIVE r AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM r WHERE n < 3) "
        "SELECT count(*) AS c FROM r JOIN r AS again ON again.n = r.n"
    )
    (statement,) = _dialect.translate(recursive, materialize=True)
    assert "MATERIALIZED" not in statement.sql
    (self_read,) = _dialect.translate("WITH a AS (SELECT 1 AS x) SELECT * FROM a", materialize=True)
    assert "MATERIALIZED" not in self_read.sql
    click = ChdbClient()
    try:
        assert click.arrow(statement.sql).to_pylist() == [{"c": 3}]
    finally:
        click.close()


def test_the_mapping_tables_row_reaches_clickhouse_as_constants() -> None:
    """load_spans.sql reads a[provider_1] ... from the one row of attribute_keys; on ClickHouse the names are bound
    as literals (a map lookup of a constant key: load_spans over 1M spans 1.5 s instead of 5.4 s), and the load
    reads the same rows (the parity tests above load every fixture through it)."""
    text = _sql.read("load_spans")
    constants = (("provider_1", "gen_ai.provider.name"), ("provider_2", None), ("kind_1", "gen_ai.operation.name"))
    (bound,) = _dialect.translate(text, constants=constants)
    (unbound,) = _dialect.translate(text)
    assert "a['gen_ai.provider.name']" in bound.sql and "a[provider_1]" not in bound.sql
    assert "a[NULL]" in bound.sql and "k.kind_1" not in bound.sql
    assert "a[provider_1]" in unbound.sql


def test_a_query_walking_the_span_tree_recursively_runs_on_both_engines(
    engines: tuple[Engine, ClickHouseEngine],
) -> None:
    """`harness sql --engine clickhouse` with a recursive CTE over the parent keys (refused once its CTE was
    marked MATERIALIZED): the same depth and count as DuckDB."""
    duck, click = engines
    query = (
        "WITH RECURSIVE tree AS (SELECT span_key, 0 AS depth FROM stg_scoped_spans WHERE parent_key IS NULL "
        "UNION ALL SELECT s.span_key, t.depth + 1 FROM stg_scoped_spans AS s "
        "JOIN tree AS t ON s.parent_key = t.span_key) "
        "SELECT max(depth) AS depth, count(*) AS n FROM tree"
    )
    expected = duck.select(query).to_dicts()
    assert expected[0]["n"] > 0
    assert click.select(query).to_dicts() == expected
