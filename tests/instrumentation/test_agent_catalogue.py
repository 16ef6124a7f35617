"""The governed tool catalogue: listed tools carry their owner; unlisted ones are flagged or refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from instrumentation import ConfigError, ToolCatalogue, ToolNotAllowedError, agent, semconv, tool
from tests.conftest import Captured

_CATALOGUE = """\
policy: flag
tools:
  search_kb: {owner: support-platform, description: Search the knowledge base}
  lookup_order: {owner: orders-team}
"""


@pytest.fixture
def catalogue_file(tmp_path: Path) -> Path:
    path = tmp_path / "tools.yaml"
    path.write_text(_CATALOGUE)
    return path


def test_listed_tool_carries_its_owner_and_unlisted_is_flagged_and_counted(
    captured: Captured, catalogue_file: Path
) -> None:
    catalogue = ToolCatalogue.from_file(catalogue_file)
    ran: list[str] = []
    with agent("support", catalogue=catalogue, telemetry=captured.telemetry):
        for name in ("search_kb", "delete_account", "delete_account"):
            with tool(name, telemetry=captured.telemetry):
                ran.append(name)
    assert ran == ["search_kb", "delete_account", "delete_account"]  # flag lets the call run
    spans = [s for s in captured.finished() if s.name.startswith("execute_tool")]  # type: ignore[attr-defined]
    listed, unlisted = spans[0].attributes, spans[1].attributes  # type: ignore[attr-defined]
    assert listed[semconv.HARNESS_TOOL_ALLOWED] is True
    assert listed[semconv.HARNESS_TOOL_OWNER] == "support-platform"
    assert unlisted[semconv.HARNESS_TOOL_ALLOWED] is False
    assert unlisted[semconv.HARNESS_TOOL_POLICY] == "flag"
    assert unlisted[semconv.HARNESS_TOOL_CATALOGUE] == str(catalogue_file)
    [point] = captured.metric_points(semconv.METRIC_TOOL_UNLISTED)
    assert point.value == 2  # type: ignore[attr-defined]
    assert point.attributes[semconv.GEN_AI_TOOL_NAME] == "delete_account"  # type: ignore[attr-defined]


def test_refuse_policy_raises_before_the_tool_runs_and_the_span_records_it(
    captured: Captured, catalogue_file: Path
) -> None:
    catalogue = ToolCatalogue.from_file(catalogue_file, policy="refuse")
    ran: list[str] = []
    with pytest.raises(ToolNotAllowedError, match="'delete_account' is not in the tool catalogue"):
        with tool("delete_account", catalogue=catalogue, telemetry=captured.telemetry):
            ran.append("ran")
    assert ran == []
    span = captured.span("execute_tool delete_account")
    assert span.attributes[semconv.ERROR_TYPE] == "ToolNotAllowedError"  # type: ignore[attr-defined]
    assert span.attributes[semconv.HARNESS_TOOL_POLICY] == "refuse"  # type: ignore[attr-defined]
    assert span.status.status_code.name == "ERROR"  # type: ignore[attr-defined]
    with tool("lookup_order", catalogue=catalogue, telemetry=captured.telemetry):
        ran.append("listed")
    assert ran == ["listed"]


def test_nested_agent_inherits_the_catalogue(captured: Captured, catalogue_file: Path) -> None:
    catalogue = ToolCatalogue.from_file(catalogue_file, policy="refuse")
    with agent("outer", catalogue=catalogue, telemetry=captured.telemetry):
        with pytest.raises(ToolNotAllowedError), agent("inner", telemetry=captured.telemetry):
            with tool("rm_rf", telemetry=captured.telemetry):
                pass


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("tools: [a, b]", "expected a mapping with a 'tools' mapping"),
        ("tools:\n  search_kb: {description: x}", "tools.search_kb.owner is required"),
        ("policy: block\ntools:\n  a: {owner: me}", "policy must be one of"),
        ("tools: {a: [", "is not valid YAML"),
    ],
)
def test_a_broken_catalogue_names_the_file_and_field(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "tools.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message) as raised:
        ToolCatalogue.from_file(path)
    assert str(path) in str(raised.value)


def test_a_missing_catalogue_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read tool catalogue"):
        ToolCatalogue.from_file(tmp_path / "nope.yaml")
