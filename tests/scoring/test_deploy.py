"""docker-compose.yml and the Collector config, checked without a container engine: what the Collector's
ClickHouse exporter writes (its vendored DDL) is what the scoring job reads, and the job points at it."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import sqlglot
import yaml
from sqlglot import exp

from scoring import _sql
from scoring._clickhouse import SOURCE_TABLE, otel_traces_ddl

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
COLLECTOR = yaml.safe_load((ROOT / "deploy" / "otelcol.yaml").read_text(encoding="utf-8"))


def _ddl_columns() -> set[str]:
    """Top-level columns of the exporter's otel_traces, and the fields of its Nested columns."""
    top = set(re.findall(r"^    ([A-Z]\w*) ", otel_traces_ddl(), flags=re.MULTILINE))
    nested = set(re.findall(r"^        ([A-Z]\w*) ", otel_traces_ddl(), flags=re.MULTILINE))
    return top | nested


def _raw_columns_read() -> set[str]:
    """The otel_traces columns the loads of scoring/sql/tables read (raw columns are CamelCase)."""
    found: set[str] = set()
    for name in _sql.listing()[_sql.TABLES]:
        for tree in sqlglot.parse(_sql.read(name), read="duckdb"):
            if tree is not None:
                found |= {c.name for c in tree.find_all(exp.Column) if c.name[:1].isupper()}
                found |= {d.name for d in tree.find_all(exp.Dot) if d.name[:1].isupper()}
    return found


def test_the_collector_receives_otlp_and_exports_to_clickhouse_and_files() -> None:
    traces = COLLECTOR["service"]["pipelines"]["traces"]
    assert traces["receivers"] == ["otlp"]
    assert set(traces["exporters"]) == {"clickhouse", "file"}
    assert {"grpc", "http"} <= set(COLLECTOR["receivers"]["otlp"]["protocols"])
    for name in (*traces["receivers"], *traces["processors"], *traces["exporters"]):
        assert name in {**COLLECTOR["receivers"], **COLLECTOR["processors"], **COLLECTOR["exporters"]}
    assert COLLECTOR["exporters"]["file"]["format"] == "json"  # what `harness lake import` reads


def test_the_exporter_writes_the_table_and_columns_scoring_reads() -> None:
    clickhouse = COLLECTOR["exporters"]["clickhouse"]
    assert clickhouse.get("traces_table_name", "otel_traces") == SOURCE_TABLE
    assert clickhouse["create_schema"] is True  # the exporter creates otel_traces as vendored
    read = _raw_columns_read()
    assert {"Timestamp", "TraceId", "SpanId", "ParentSpanId", "SpanAttributes", "ResourceAttributes"} <= read
    missing = read - _ddl_columns()
    assert not missing, f"scoring reads columns the exporter does not write: {sorted(missing)}"
    mapping = (ROOT / "scoring" / "clickhouse" / "source_table.sql").read_text(encoding="utf-8")
    for column in read - {"Name", "Attributes"}:  # the Events fields, read through the Nested columns
        assert re.search(rf"\b{column}\b", mapping), f"source_table.sql does not map {column}"


def test_compose_runs_collector_clickhouse_and_a_scoring_job_against_them() -> None:
    services = COMPOSE["services"]
    assert {"clickhouse", "otelcol", "score"} <= set(services)
    assert "opentelemetry-collector-contrib" in services["otelcol"]["image"]
    mounts = [m.split(":")[0:2] for m in services["otelcol"]["volumes"]]
    config = next(target for source, target in mounts if source == "./deploy/otelcol.yaml")
    assert f"--config={config}" in services["otelcol"]["command"]
    endpoint = urlparse(COLLECTOR["exporters"]["clickhouse"]["endpoint"])
    assert endpoint.hostname == "clickhouse"
    assert any(port.startswith(f"{endpoint.port}:") for port in services["clickhouse"]["ports"])
    command = " ".join(services["score"]["command"])
    assert "harness score --engine clickhouse" in command
    dsn = urlparse(re.search(r"--dsn (\S+)", command).group(1))  # type: ignore[union-attr]
    assert dsn.hostname == "clickhouse" and dsn.port == 8123
    assert dsn.path.strip("/") == COLLECTOR["exporters"]["clickhouse"]["database"]
    user = services["clickhouse"]["environment"]
    assert (dsn.username, dsn.password) == (user["CLICKHOUSE_USER"], user["CLICKHOUSE_PASSWORD"])
