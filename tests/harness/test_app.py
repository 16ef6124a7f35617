"""The reference agent app against the local model server: answers, spans, and baseline vs candidate in the lake."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from harness.app import (
    FALLBACK_ANSWER,
    AgentAnswer,
    SupportQuestion,
    load_questions,
    make_client,
    run_questions,
    scenario_path,
    trajectory_by_version,
)
from harness.app._report import trajectory_sql
from harness.model_server import serve
from instrumentation import semconv
from instrumentation._setup import reset_for_tests
from instrumentation.lake import traces_glob
from tests.conftest import Captured, make_captured


@pytest.fixture(scope="module")
def both_versions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Captured, dict[str, list[AgentAnswer]]]]:
    """Every shipped question through both versions, once for the module: the lake and the answers."""
    captured = make_captured(tmp_path_factory.mktemp("app") / ".harness")
    answers: dict[str, list[AgentAnswer]] = {}
    with serve(scenario=scenario_path()) as server:
        client = make_client(server.openai_base_url, telemetry=captured.telemetry)
        for version in ("baseline", "candidate"):
            questions = [q.question for q in load_questions()]
            answers[version] = run_questions(questions, version=version, client=client, telemetry=captured.telemetry)
    captured.finished()  # keep the in-memory spans, then write the lake
    captured.telemetry.shutdown()
    yield captured, answers
    reset_for_tests()


def _correct(answers: list[AgentAnswer]) -> int:
    return sum(q.is_answered_by(a.text) for q, a in zip(load_questions(), answers, strict=True))


def test_baseline_answers_every_question_and_candidate_regresses(both_versions: Any) -> None:
    _, answers = both_versions
    assert len(answers["baseline"]) >= 20
    assert _correct(answers["baseline"]) == len(answers["baseline"])
    assert _correct(answers["candidate"]) <= len(answers["candidate"]) - 5
    assert FALLBACK_ANSWER in {a.text for a in answers["candidate"]}
    assert {a.feature for a in answers["baseline"]} == {"order-status", "support-answer"}


def test_trajectory_metrics_differ_between_versions_in_the_lake(both_versions: Any) -> None:
    captured, _ = both_versions
    by_version = trajectory_by_version(captured.telemetry.settings.lake_dir)
    baseline, candidate = by_version["baseline"], by_version["candidate"]
    assert baseline["runs"] == candidate["runs"] == len(load_questions())
    assert baseline["terminations"] == {"completed": baseline["runs"]}
    assert candidate["terminations"].get("loop_detected", 0) >= 5
    assert candidate["completed_share"] < baseline["completed_share"]
    assert candidate["mean_tool_calls"] > baseline["mean_tool_calls"]
    assert candidate["mean_steps"] > baseline["mean_steps"]
    assert candidate["retries"] > baseline["retries"] == 0  # the candidate's endpoint rate-limited its first calls
    assert baseline["cost_usd"] > 0 and candidate["cost_usd"] > 0
    assert "SpanAttributes[$termination_key]" in trajectory_sql()  # names come in as parameters, never literals


def test_each_step_is_a_chat_span_with_prompt_identity_and_tools_link_to_it(both_versions: Any) -> None:
    captured, answers = both_versions
    spans = captured.finished()
    first = answers["baseline"][0]  # a knowledge-base question: search_kb, then the answer
    trace = [s for s in spans if format(s.context.trace_id, "032x") == first.trace_id]
    [root] = [s for s in trace if s.parent is None]
    chats = sorted((s for s in trace if s.name.startswith("chat ")), key=lambda s: s.start_time)
    [tool_span] = [s for s in trace if s.name == "execute_tool search_kb"]
    assert root.name == "invoke_agent support-desk"
    assert root.attributes[semconv.GEN_AI_AGENT_VERSION] == "baseline"
    assert [c.attributes[semconv.HARNESS_AGENT_STEP] for c in chats] == [1, 2]
    assert all(c.parent.span_id == root.context.span_id for c in [*chats, tool_span])
    assert {c.attributes[semconv.GEN_AI_PROMPT_NAME] for c in chats} == {"support-agent"}
    assert {c.attributes[semconv.HARNESS_FEATURE] for c in chats} == {"support-answer"}
    assert tool_span.attributes[semconv.HARNESS_TOOL_OWNER] == "support-content"
    assert [link.context.span_id for link in tool_span.links] == [chats[0].context.span_id]
    versions = {
        s.attributes[semconv.GEN_AI_PROMPT_VERSION]
        for s in spans
        if s.name.startswith("chat ") and semconv.GEN_AI_PROMPT_VERSION in s.attributes
    }
    assert len(versions) == 2  # the prompt files' content hashes tell the versions apart


def test_agent_roll_ups_match_the_inference_spans_in_the_lake(both_versions: Any) -> None:
    captured, _ = both_versions
    inference, rolled_up, everything = duckdb.execute(
        """
        SELECT sum(TRY_CAST(SpanAttributes[$cost] AS DOUBLE)) FILTER (WHERE SpanKind = 'Client'),
               sum(TRY_CAST(SpanAttributes[$rollup] AS DOUBLE)),
               sum(TRY_CAST(SpanAttributes[$cost] AS DOUBLE))
        FROM read_parquet($glob, hive_partitioning = true)
        """,
        {
            "cost": semconv.GEN_AI_USAGE_COST_AMOUNT,
            "rollup": semconv.HARNESS_AGENT_ROLLUP_COST_AMOUNT,
            "glob": traces_glob(captured.telemetry.settings.lake_dir),
        },
    ).fetchone()
    assert inference > 0
    assert rolled_up == pytest.approx(inference)
    assert everything == pytest.approx(inference)


def test_calculator_is_exact_and_refuses_anything_but_arithmetic() -> None:
    from harness.app import ToolInputError, calculator

    assert calculator("3 * 19.99") == "59.97"
    assert calculator("(120 - 15.5) / 2") == "52.25"
    assert calculator("2 ** 10") == "1024"
    for bad in ("__import__('os').system('true')", "x + 1", "9 ** 9999", "1 / 0", "[1, 2]", "1 +"):
        with pytest.raises(ToolInputError):
            calculator(bad)


def test_unknown_order_goes_back_to_the_model_as_a_tool_error() -> None:
    from harness.app import TOOLS, ToolInputError

    assert json.loads(TOOLS["lookup_order"](order_id="ORD-1001"))["status"] == "shipped"
    with pytest.raises(ToolInputError, match="ORD-1001"):
        TOOLS["lookup_order"](order_id="ORD-9")


def test_question_file_errors_name_the_file_and_line(tmp_path: Path) -> None:
    good = load_questions()[0].model_dump_json()
    path = tmp_path / "questions.jsonl"
    path.write_text(good + "\n" + '{"id": "x", "question": "?"}\n')
    from instrumentation import ConfigError

    with pytest.raises(ConfigError, match=r"questions.jsonl:2: not a valid support question"):
        load_questions(path)
    with pytest.raises(ConfigError, match=r"missing.jsonl: cannot read the question file"):
        load_questions(tmp_path / "missing.jsonl")
    assert isinstance(load_questions()[0], SupportQuestion)


def test_public_names_of_the_app() -> None:
    import harness.app

    assert {"run_agent", "make_client", "load_questions", "scenario_path", "trajectory_by_version", "VERSIONS"} <= set(
        harness.app.__all__
    )
    assert set(harness.app.VERSIONS) == {"baseline", "candidate", "canary"}
