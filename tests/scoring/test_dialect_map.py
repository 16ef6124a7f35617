"""The mapping table of other instrumentations' attributes: every row is read, and it loads their spans.

The real libraries run in tests/dialects (their own virtualenvs); these tests pin the table itself and a
few spans written with the attributes those libraries emit, fast and without the virtualenvs.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

import scoring
from instrumentation import semconv
from scoring import _sql
from tests.scoring._lake import SpanWriter, scope


def _mapping() -> duckdb.DuckDBPyConnection:
    conn = duckdb.connect()
    for name in _sql.MAPPING_TABLES:
        conn.execute(_sql.read(name))
    return conn


def test_every_mapping_row_lands_in_a_slot_that_the_load_reads() -> None:
    conn = _mapping()
    rows = conn.execute("SELECT target, rank, source_attribute FROM dialect_attributes").fetchall()
    cursor = conn.execute("SELECT * FROM attribute_keys")
    row = cursor.fetchone()
    assert row is not None
    slots = dict(zip([d[0] for d in cursor.description or []], row, strict=True))
    load = _sql.read("load_spans")
    assert len({(target, rank) for target, rank, _ in rows}) == len(rows)  # one source per slot
    for target, rank, source in rows:
        assert slots.get(f"{target}_{rank}") == source, f"{target} rank {rank} has no slot in attribute_keys.sql"
        assert re.search(rf"\b{target}_{rank}\b", load), f"load_spans.sql never reads {target}_{rank}"
    assert sum(value is not None for value in slots.values()) == len(rows)


def test_mapped_names_and_kinds_are_semconv_constants() -> None:
    conn = _mapping()
    known = {value for name, value in vars(semconv).items() if name.isupper() and isinstance(value, str)}
    sources = {row[0] for row in conn.execute("SELECT source_attribute FROM dialect_attributes").fetchall()}
    kinds = conn.execute("SELECT kind, operation FROM span_kinds").fetchall()
    assert sorted(sources - known) == []
    assert sorted({kind for kind, _ in kinds} - known) == []
    assert {operation for _, operation in kinds} <= {semconv.OP_CHAT, semconv.OP_EMBEDDINGS, *_AGENT_OPS}


_AGENT_OPS = (semconv.OP_INVOKE_AGENT, semconv.OP_EXECUTE_TOOL)
_AT = "2026-03-10T10:00:00"
_OPENINFERENCE = {
    semconv.OPENINFERENCE_SPAN_KIND: semconv.OPENINFERENCE_KIND_LLM,
    semconv.OPENINFERENCE_LLM_SYSTEM: "openai",
    semconv.OPENINFERENCE_LLM_MODEL_NAME: "gpt-4o-mini-2024-07-18",
    semconv.OPENINFERENCE_TOKEN_COUNT_PROMPT: 1000,
    semconv.OPENINFERENCE_TOKEN_COUNT_COMPLETION: 100,
    semconv.OPENINFERENCE_TOKEN_COUNT_CACHE_READ: 400,
    semconv.OPENINFERENCE_TOKEN_COUNT_REASONING: 30,
    "app.feature": "search",
}
_OLD_GEN_AI = {  # openai-v2 by default, and OpenLLMetry's reasoning name
    semconv.GEN_AI_OPERATION_NAME: semconv.OP_CHAT,
    semconv.GEN_AI_SYSTEM: "openai",
    semconv.GEN_AI_REQUEST_MODEL: "gpt-4o-mini",
    semconv.GEN_AI_USAGE_PROMPT_TOKENS: 1000,
    semconv.GEN_AI_USAGE_COMPLETION_TOKENS: 100,
    semconv.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS: 200,
    semconv.TRACELOOP_USAGE_REASONING_TOKENS: 30,
    "app.feature": "search",
}
_CALL_SQL = """
SELECT operation, provider, model, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens,
    reasoning_tokens, feature, cost > 0 AS priced
FROM stg_llm_calls
"""


@pytest.mark.parametrize(
    ("attributes", "expected"),
    [
        (_OPENINFERENCE, ("chat", "openai", "gpt-4o-mini-2024-07-18", 1000, 100, 400, None, 30, "search", True)),
        (_OLD_GEN_AI, ("chat", "openai", "gpt-4o-mini", 1000, 100, None, 200, 30, "search", True)),
    ],
    ids=["openinference", "gen_ai-pre-1.37"],
)
def test_a_rival_call_loads_as_an_inference_call_with_its_usage_priced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, attributes: dict[str, object], expected: tuple[object, ...]
) -> None:
    writer = SpanWriter(tmp_path, "support")
    writer.span("ChatCompletion", _AT, 800, attributes)
    writer.close()
    monkeypatch.setenv("HARNESS_FEATURE_ATTRIBUTE", "app.feature")
    rows = scoring.query(_CALL_SQL, home=tmp_path, scope=scope(), cache=False).rows()
    assert rows == [expected]


def test_rival_agent_and_tool_spans_make_a_trajectory(tmp_path: Path) -> None:
    writer = SpanWriter(tmp_path, "support")
    kind, name = semconv.OPENINFERENCE_SPAN_KIND, semconv.OPENINFERENCE_AGENT_NAME
    agent = writer.span("support-desk", _AT, 900, {kind: semconv.OPENINFERENCE_KIND_AGENT, name: "support-desk"})
    tool = {semconv.TRACELOOP_SPAN_KIND: semconv.TRACELOOP_KIND_TOOL, semconv.TRACELOOP_ENTITY_NAME: "lookup_order"}
    writer.span("lookup_order.tool", _AT, 10, tool, parent=agent)
    writer.close()
    sql = "SELECT r.agent_name, s.tool_name FROM stg_agent_runs r JOIN stg_agent_steps s ON s.parent_key = r.span_key"
    assert scoring.query(sql, home=tmp_path, scope=scope(), cache=False).rows() == [("support-desk", "lookup_order")]


def test_changing_the_feature_attribute_reloads_what_was_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = SpanWriter(tmp_path, "support")
    writer.llm(_AT, 100, **{"app.feature": "search"})
    writer.close()
    sql = "SELECT feature FROM stg_llm_calls"
    assert scoring.query(sql, home=tmp_path, scope=scope()).rows() == [(None,)]  # cached in harness.duckdb
    monkeypatch.setenv("HARNESS_FEATURE_ATTRIBUTE", "app.feature")
    assert scoring.query(sql, home=tmp_path, scope=scope()).rows() == [("search",)]


def test_docs_name_every_mapped_attribute() -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / "dialects.md").read_text(encoding="utf-8")
    conn = _mapping()
    sources = {row[0] for row in conn.execute("SELECT source_attribute FROM dialect_attributes").fetchall()}
    kinds = {row[0] for row in conn.execute("SELECT kind FROM span_kinds").fetchall()}
    assert sorted(name for name in sources | kinds if f"`{name}`" not in text) == []
