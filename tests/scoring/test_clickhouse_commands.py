"""``harness sql --engine clickhouse``: a ClickHouse scorecard's evidence runs as printed, on ClickHouse, and
every value reaches ClickHouse bound, never spliced into the SQL (a hostile system name scores that system)."""

from __future__ import annotations

import json
import shlex
from datetime import datetime
from pathlib import Path

import pytest

pytest.importorskip("chdb", reason="the clickhouse extra (chdb) is part of the dev install")

import scoring
from harness.cli import main
from scoring._evidence import Command
from tests.scoring import _lake
from tests.scoring._lake import SCOPE, WINDOW

# quotes, a backslash, a tab, a brace placeholder and a comment: whatever splicing would misread
HOSTILE = "x' OR '1'='1') OR 1=1 --\\N\t{n:String}"


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture calls of ``support``, and two calls of a system with a hostile name."""
    home = tmp_path_factory.mktemp("commands") / ".harness"
    _lake.write_llm_calls(home)
    w = _lake.SpanWriter(home, HOSTILE)
    w.llm("2026-03-07T10:00:00", 250, **_lake.attrs(GEN_AI_USAGE_COST_AMOUNT=0.5))
    w.llm("2026-03-08T10:00:00", 350, **_lake.attrs(GEN_AI_USAGE_COST_AMOUNT=0.25))
    w.close()
    return home


def test_a_hostile_system_name_scores_that_system_only_on_both_engines(home: Path) -> None:
    scope = scoring.Scope.of(**WINDOW, system=HOSTILE)
    duck = scoring.scorecard(home, scope, cache=False)
    click = scoring.scorecard(home, scope, engine="clickhouse")
    assert [s.name for s in click.systems] == [HOSTILE]
    assert (click.metrics.calls.total, click.metrics.latency_ms.p50) == (2, 300.0)
    assert click.metrics == duck.metrics


def test_the_clickhouse_select_binds_parameters_as_duckdb_does(home: Path) -> None:
    sql = "SELECT system, count(*) AS calls FROM stg_llm_calls WHERE system IN ($name, $other) GROUP BY system"
    for name in (HOSTILE, "support", "' OR 1=1 --"):
        values = {"name": name, "other": "nobody"}
        duck = scoring.query(sql, home, SCOPE, cache=False, parameters=values).to_dicts()
        click = scoring.query(sql, home, SCOPE, engine="clickhouse", parameters=values).to_dicts()
        assert click == duck, name
    hostile = scoring.query(sql, home, SCOPE, engine="clickhouse", parameters={"name": HOSTILE, "other": ""})
    assert hostile.to_dicts() == [{"system": HOSTILE, "calls": 2}]


def test_the_clickhouse_select_binds_every_kind_of_value(home: Path) -> None:
    sql = "SELECT $s AS s, $i AS i, $f AS f, $b AS b, $n AS n, $l AS l, $t AS t"
    values = {
        "s": HOSTILE,
        "i": 3,
        "f": 0.5,
        "b": True,
        "n": None,
        "l": ["a'", "b\\"],
        "t": datetime(2026, 3, 2, 10, 30),
    }
    duck = scoring.query(sql, home, SCOPE, cache=False, parameters=values).to_dicts()
    click = scoring.query(sql, home, SCOPE, engine="clickhouse", parameters=values).to_dicts()
    assert click == duck


def _sql(argv: list[str], capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    assert main([*argv, "--format", "json"]) == 0
    rows: list[dict[str, object]] = json.loads(capsys.readouterr().out)
    return rows


def test_harness_sql_runs_on_clickhouse(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    window = ["--home", str(home), "--since", WINDOW["since"], "--until", WINDOW["until"]]
    query = "SELECT system, feature, count(*) AS calls FROM stg_llm_calls GROUP BY ALL ORDER BY ALL"
    duck = _sql(["sql", query, *window, "--no-cache"], capsys)
    click = _sql(["sql", query, *window, "--engine", "clickhouse"], capsys)
    assert click == duck and len(duck) > 1
    hostile = _sql(["sql", query, *window, "--engine", "clickhouse", "--system", HOSTILE], capsys)
    assert [row["system"] for row in hostile] == [HOSTILE]


@pytest.mark.parametrize(
    "query",
    [
        "SELECT calls, failed FROM met_latency",  # sums of counts: HUGEINT on DuckDB
        "SELECT feature, calls, priced_calls FROM met_cost_per_feature ORDER BY ALL",
        "SELECT sum(input_tokens) AS tokens, sum(cost) AS cost FROM stg_llm_calls",  # a user's own sum
    ],
)
def test_harness_sql_json_prints_counts_as_numbers_on_both_engines(
    home: Path, capsys: pytest.CaptureFixture[str], query: str
) -> None:
    window = ["--home", str(home), "--since", WINDOW["since"], "--until", WINDOW["until"]]
    duck = _sql(["sql", query, *window, "--no-cache"], capsys)
    click = _sql(["sql", query, *window, "--engine", "clickhouse"], capsys)
    assert duck and all(not isinstance(v, str) for row in duck for k, v in row.items() if k != "feature"), duck
    assert _close(click, duck), (click, duck)


def _close(a: list[dict[str, object]], b: list[dict[str, object]]) -> bool:
    """Equal rows, floats to 1e-9 relative (the engines sum in different orders)."""
    import math

    def same(x: object, y: object) -> bool:
        if isinstance(x, float) and isinstance(y, float):
            return math.isclose(x, y, rel_tol=1e-9)
        return x == y

    return len(a) == len(b) and all(
        row.keys() == other.keys() and all(same(row[k], other[k]) for k in row) for row, other in zip(a, b, strict=True)
    )


def test_a_clickhouse_scorecards_evidence_runs_as_printed_on_clickhouse(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    card = scoring.scorecard(home, SCOPE, engine="clickhouse")
    assert "--engine clickhouse" in card.evidence_command
    evidence = [c.evidence for axis in card.axes.values() for c in axis.criteria]
    evidence = [e for e in evidence if e.startswith("harness sql")]
    assert evidence and all(e.startswith(card.evidence_command + " ") for e in evidence)
    for printed in evidence[:3]:
        argv = shlex.split(printed)
        assert argv[:2] == ["harness", "sql"] and argv[argv.index("--engine") + 1] == "clickhouse"
        click = _sql(argv[1:], capsys)
        engine = argv.index("--engine")
        assert click == _sql([*argv[1:engine], *argv[engine + 2 :], "--no-cache"], capsys), printed


def test_a_dsn_is_printed_without_its_password() -> None:
    command = Command.of(SCOPE, None, None, Path("x"), engine="clickhouse", dsn="clickhouse://u:s3cret@h:8123/db")
    assert "s3cret" not in command.prefix
    assert command.prefix.endswith("--engine clickhouse --dsn clickhouse://u@h:8123/db")
    assert Command.of(SCOPE, None, None, Path("x")).prefix.startswith("harness sql --since")  # duckdb: no flag
