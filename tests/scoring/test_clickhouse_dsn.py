"""``harness score --engine clickhouse --dsn``: the server path (clickhouse-connect, a scratch database,
settings and parameters sent by the client, the exporter's otel_traces table) scores as DuckDB does.

No ClickHouse server that can run the exporter's DDL can be installed here (Debian's is 18.16, from
2018; PyPI ships none), so the server is chDB, reached two ways: ``chdb://DIR``, clickhouse-connect's own
transport to a chDB database on disk, and ``clickhouse://user@127.0.0.1:PORT/default`` (docker-compose.yml's
form), its HTTP client against ``tests/scoring/_chdb_http.py``, ClickHouse's HTTP interface over that database
(the URL's settings and ``param_`` values, formats, the password, exceptions as a server sends them). The table
is created with the vendored DDL (scoring/clickhouse/otel_traces.sql) and filled with the fixture lake's rows,
each step in its own process as a server would be (chDB runs one engine per process).
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

pytest.importorskip("chdb", reason="the clickhouse extra (chdb) is part of the dev install")
pytest.importorskip("clickhouse_connect", reason="the clickhouse extra (clickhouse-connect) is part of the dev install")

import scoring
from scoring._clickhouse import NO_HEALTH
from scoring._model import DataCompleteness
from scoring._server import PASSWORD_VARIABLE
from tests.scoring import _lake
from tests.scoring._lake import SCOPE, WINDOW

ROOT = Path(__file__).resolve().parents[2]
USER, PASSWORD = "scorer", "s3cret"
TRANSPORTS = ["chdb", "http"]


def _python(*argv: str, env: dict[str, str] | None = None, code: int = 0) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=None if env is None else {**os.environ, **env},
    )
    assert done.returncode == code, done.stderr
    return done


def _exported(tmp_path: Path, *, facts: bool = False, export: bool = True) -> tuple[Path, Path, list[str]]:
    """The fixture lake's calls (and facts) in a home, and as the exporter's otel_traces in a chDB database on
    disk (``export``); with the command-line arguments of the fixture's window over that home."""
    home, database = tmp_path / ".harness", tmp_path / "clickhouse"
    _lake.write_llm_calls(home)
    if facts:
        _lake.write_facts(home)
    if export:
        _python("tests.scoring._exported", str(home), str(database))
    return home, database, ["--home", str(home), "--since", WINDOW["since"], "--until", WINDOW["until"]]


@contextmanager
def _server(database: Path, transport: str) -> Iterator[str]:
    """A DSN for the chDB database at ``database``, without its password (the run's environment holds it)."""
    if transport == "chdb":
        yield f"chdb://{database}"
        return
    port_file = database.with_name("port")
    served = subprocess.Popen(
        [sys.executable, "-m", "tests.scoring._chdb_http", str(database), str(port_file), USER, PASSWORD], cwd=ROOT
    )
    try:
        deadline = time.monotonic() + 60
        while not port_file.exists() or not port_file.read_text():
            assert served.poll() is None and time.monotonic() < deadline, "the HTTP server over chDB did not start"
            time.sleep(0.05)
        yield f"clickhouse://{USER}@127.0.0.1:{port_file.read_text()}/default"  # docker-compose.yml's shape
    finally:
        served.terminate()
        served.wait(timeout=30)


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_harness_score_with_a_dsn_equals_duckdb_over_the_same_rows(tmp_path: Path, transport: str) -> None:
    home, database, window = _exported(tmp_path, facts=True)
    with _server(database, transport) as dsn:
        printed = _python(
            "harness.cli",
            "score",
            *("--engine", "clickhouse", "--dsn", dsn, "--format", "json", *window),
            env={PASSWORD_VARIABLE: PASSWORD},
        )
    card = scoring.Scorecard.model_validate_json(printed.stdout)
    duck = scoring.scorecard(home, SCOPE, cache=False)
    assert card.evidence_command == f"{duck.evidence_command} --engine clickhouse --dsn {dsn}"
    assert card.data_completeness == DataCompleteness(status="unknown", reason=NO_HEALTH)
    assert duck.data_completeness.status == "unknown"  # no health record in this lake either
    on_duckdb = json.loads(printed.stdout.replace(card.evidence_command, duck.evidence_command))
    on_duckdb["data_completeness"] = duck.data_completeness.model_dump()
    assert not _diff(on_duckdb, json.loads(duck.model_dump_json()))
    assert duck.metrics.calls.total > 0 and duck.metrics.deployment_frequency_per_week


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_harness_sql_with_a_dsn_runs_on_the_server(tmp_path: Path, transport: str) -> None:
    _, database, window = _exported(tmp_path)
    query = "SELECT feature, count(*) AS calls FROM stg_llm_calls GROUP BY ALL ORDER BY ALL"
    with _server(database, transport) as dsn:
        served = ["--engine", "clickhouse", "--dsn", dsn]
        click = _python(
            "harness.cli", "sql", query, *window, *served, "--format", "json", env={PASSWORD_VARIABLE: PASSWORD}
        )
    duck = _python("harness.cli", "sql", query, *window, "--no-cache", "--format", "json")
    assert json.loads(click.stdout) == json.loads(duck.stdout) and len(json.loads(duck.stdout)) > 1


def test_a_server_refusing_the_password_is_an_error_naming_the_dsn_without_it(tmp_path: Path) -> None:
    _, database, window = _exported(tmp_path)
    with _server(database, "http") as dsn:
        wrong = dsn.replace(f"//{USER}@", f"//{USER}:wrong@")
        refused = _python("harness.cli", "score", "--engine", "clickhouse", "--dsn", wrong, *window, code=3)
        unset = _python(
            "harness.cli", "score", "--engine", "clickhouse", "--dsn", dsn, *window, code=3, env={PASSWORD_VARIABLE: ""}
        )
    assert f"cannot connect to ClickHouse at {dsn.replace(f'//{USER}@', f'//{USER}:***@')}" in refused.stderr
    assert "wrong" not in refused.stderr and "516" in refused.stderr and "Authentication failed" in refused.stderr
    assert f"cannot connect to ClickHouse at {dsn}" in unset.stderr and "516" in unset.stderr


def _diff(a: object, b: object, path: str = "") -> list[str]:
    """Where two JSON values differ; floats equal to 1e-9 relative (test_clickhouse's rule: sums differ in order)."""
    if isinstance(a, float) and isinstance(b, float | int):
        return [] if math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12) else [f"{path}: {a!r} != {b!r}"]
    if isinstance(a, dict) and isinstance(b, dict):
        return [d for k in sorted(set(a) | set(b)) for d in _diff(a.get(k), b.get(k), f"{path}.{k}")]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b, strict=True)) for d in _diff(x, y, f"{path}[{i}]")]
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]


@pytest.mark.parametrize(
    ("dsn", "said"),
    [
        ("", "--dsn is empty"),  # a CI step's unset variable: never the lake instead of the server
        ("   ", "--dsn is empty"),
        ("myhost:9000/db", "not a DSN"),  # no scheme: clickhouse-connect would try localhost:8123
        ("garbage", "not a DSN"),
        ("127.0.0.1:1", "not a DSN"),
        ("ftp://host/db", "not a DSN"),
        ("clickhouse:///default", "names no host"),
        ("clickhouse://host:99999/default", "the port '99999' is not a number from 1 to 65535"),
        ("clickhouse://u@127.0.0.1:notaport/db", "the port 'notaport' is not a number"),  # before: "not a DSN"
    ],
)
def test_a_dsn_that_names_no_server_is_an_error(tmp_path: Path, dsn: str, said: str) -> None:
    _, _, window = _exported(tmp_path, export=False)
    refused = _python("harness.cli", "score", "--engine", "clickhouse", "--dsn", dsn, *window, code=3)
    assert said in refused.stderr and "Traceback" not in refused.stderr
    assert "localhost" not in refused.stderr


def test_a_chdb_dsn_to_a_missing_folder_is_an_error_and_creates_nothing(tmp_path: Path) -> None:
    _, _, window = _exported(tmp_path, export=False)
    missing = tmp_path / "no-such-database"
    refused = _python("harness.cli", "score", "--engine", "clickhouse", "--dsn", f"chdb://{missing}", *window, code=3)
    assert f"no chDB database at {missing}" in refused.stderr
    assert not missing.exists()


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_a_database_without_otel_traces_is_an_error_naming_it(tmp_path: Path, transport: str) -> None:
    _, database, window = _exported(tmp_path)
    with _server(database, transport) as dsn:
        # a database the server has, without the table (one it lacks, the server names: UNKNOWN_DATABASE)
        elsewhere = f"{dsn.removesuffix('/default')}/system" if transport == "http" else f"{dsn}?database=system"
        refused = _python(
            "harness.cli",
            "score",
            *("--engine", "clickhouse", "--dsn", elsewhere, *window),
            env={PASSWORD_VARIABLE: PASSWORD},
            code=3,
        )
    assert "no otel_traces table in database system" in refused.stderr and "Code:" not in refused.stderr


def test_an_https_dsn_speaks_tls(tmp_path: Path) -> None:
    """clickhouse-connect takes TLS from the port alone (443, 8443): an https:// DSN to another port would go in
    clear text. Against the plain-HTTP server it must fail in the TLS handshake instead of scoring."""
    _, database, window = _exported(tmp_path)
    with _server(database, "http") as dsn:
        secure = dsn.replace("clickhouse://", "https://")
        refused = _python(
            "harness.cli",
            "score",
            *("--engine", "clickhouse", "--dsn", secure, *window),
            env={PASSWORD_VARIABLE: PASSWORD},
            code=3,
        )
    assert "cannot connect to ClickHouse" in refused.stderr and "SSL" in refused.stderr
