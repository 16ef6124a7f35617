"""The SQL graph: the layer folders, and the view and load orders derived from what each file reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoring import _sql, _sqlparse
from scoring._engine import Engine
from scoring._sqlparse import References
from scoring.errors import SqlGraphError


def test_each_layer_folder_holds_its_prefix_and_every_view_follows_what_it_reads() -> None:
    prefixes = {"staging": "stg_", "intermediate": "int_", "metrics": "met_", "criteria": "crit_"}
    for layer, prefix in prefixes.items():
        assert _sql.listing()[layer] and all(name.startswith(prefix) for name in _sql.listing()[layer]), layer
    graph = _sql.derive()
    assert sorted(graph.views) == sorted(_sql.VIEWS)
    position = {name: index for index, name in enumerate(graph.views)}
    for view, reads in graph.reads.items():
        assert all(position[read] < position[view] for read in reads), view
    assert graph.reads["crit_deployment"] and "int_window_deploys" in graph.reads["met_lead_time"]
    assert graph.loads.index("load_spans") < graph.loads.index("load_rollup")  # the rollup reads spans
    assert set(graph.derived) == {
        "spans",
        "fact_spans",
        "eval_scores",
        "span_rollup",
        "unpriced",
        "call_costs",
        "orphans",
        "call_rollup",
        "trace_rollup",
        "bin_rollup",
        "parent_rollup",
        "latency_rollup",
        "request_rollup",
        "agent_rollup",
        "trajectory_rollup",
        "duration_index",
    }


def _references(
    reads: set[str] = frozenset(), inserts: set[str] = frozenset(), creates: set[str] = frozenset()
) -> References:
    return References(frozenset(reads), frozenset(inserts), frozenset(creates))


def _folders(**layers: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    return {"tables": ("tables",), "staging": (), "intermediate": (), "metrics": (), "criteria": (), **layers}


def test_no_sql_counts_with_count_if() -> None:
    """DuckDB's count_if is NULL, not 0, over a group whose condition is NULL on every row (a run without a
    termination, a call without a status), where ClickHouse's countIf and count(*) FILTER (WHERE ...) give 0: every
    conditional count is written count(*) FILTER, so a count of nothing is 0 on both engines."""
    import duckdb

    assert duckdb.sql("SELECT count_if(x = 'a') FROM (SELECT NULL::VARCHAR AS x)").fetchall() == [(None,)]
    root = Path(_sql.__file__).parent / "sql"
    found = [str(path.relative_to(root)) for path in sorted(root.rglob("*.sql")) if "count_if(" in path.read_text()]
    assert not found, f"count_if in {found}: use count(*) FILTER (WHERE ...)"


def test_a_view_reading_a_later_layer_an_unknown_table_or_itself_in_a_cycle_is_refused() -> None:
    base = {"tables": _references(creates={"spans"})}
    backwards = {**base, "stg_a": _references({"met_b"}), "met_b": _references({"spans"})}
    with pytest.raises(SqlGraphError, match=r"stg_a\.sql \(staging\) reads a later layer: met_b"):
        _sql.build(_folders(staging=("stg_a",), metrics=("met_b",)), backwards)
    typo = {**base, "stg_a": _references({"spanz"})}
    with pytest.raises(SqlGraphError, match=r"stg_a\.sql reads spanz"):
        _sql.build(_folders(staging=("stg_a",)), typo)
    cycle = {**base, "stg_a": _references({"stg_b"}), "stg_b": _references({"stg_a"})}
    with pytest.raises(SqlGraphError, match="cycle"):
        _sql.build(_folders(staging=("stg_a", "stg_b")), cycle)


def test_the_order_comes_from_the_references_not_from_names() -> None:
    parsed = {
        "tables": _references(creates={"spans"}),
        "stg_a": _references({"stg_z"}),
        "stg_z": _references({"spans"}),
        "int_b": _references({"stg_a"}),
    }
    graph = _sql.build(_folders(staging=("stg_a", "stg_z"), intermediate=("int_b",)), parsed)
    assert graph.views == ("stg_z", "stg_a", "int_b")
    assert graph.closure(["stg_a"]) == ("stg_z", "stg_a")


def test_the_parser_sees_reads_writes_and_not_common_table_expressions() -> None:
    found = _sqlparse.references(
        "WITH c AS (SELECT * FROM spans) INSERT INTO rollup SELECT * FROM c JOIN segs USING (x)"
    )
    assert (found.reads, found.inserts) == ({"spans", "segs"}, {"rollup"})
    assert _sqlparse.reads_or_none("SELEC nonsense FROM (") is None


def test_the_graph_is_derived_once_per_sql_version_and_kept_in_the_database(tmp_path: Path) -> None:
    database = tmp_path / "harness.duckdb"
    engine = Engine(tmp_path / "lake", database)
    stored = engine._meta("sql_graph")
    engine.close()
    assert stored is not None and stored.startswith(_sql.sql_version() + ":")
    assert _sql.Graph.from_json(stored.split(":", 1)[1]) == _sql.derive()
