"""The rule engine: a provider-neutral conversation in, a scripted reply (text or tool calls) and usage out."""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from harness.model_server._judge import judge
from harness.model_server._kb import search_knowledge_base
from harness.model_server._scenario import Rule, Scenario, Variables
from harness.model_server._tokens import Usage, chunk_text, count_tokens

Role = Literal["system", "user", "assistant", "tool"]
NO_ANSWER = "I could not find an answer to that in our help center. Could you rephrase the question?"


@dataclass(frozen=True)
class ToolCall:
    id: str
    name: str
    arguments: dict[str, Any]


@dataclass(frozen=True)
class Message:
    """One message; a ``tool`` message carries the result of the tool named ``tool_name``."""

    role: Role
    text: str
    tool_name: str | None = None
    tool_calls: tuple[ToolCall, ...] = ()


@dataclass(frozen=True)
class Conversation:
    model: str
    messages: tuple[Message, ...]
    tools: frozenset[str] = field(default_factory=frozenset)
    max_output_tokens: int | None = None

    def prompt_text(self) -> str:
        parts = [m.text for m in self.messages]
        parts += [json.dumps(c.arguments) for m in self.messages for c in m.tool_calls]
        return "\n".join(parts + sorted(self.tools))

    def last_text(self, role: Role) -> str:
        return next((m.text for m in reversed(self.messages) if m.role == role), "")


@dataclass(frozen=True)
class Reply:
    model: str
    text: str
    tool_calls: tuple[ToolCall, ...]
    usage: Usage
    truncated: bool = False  # the answer hit the request's output-token limit


def _variables(conversation: Conversation, match: re.Match[str] | None) -> Variables:
    user = conversation.last_text("user")
    tool_result = conversation.last_text("tool") if conversation.messages[-1].role == "tool" else ""
    articles = search_knowledge_base(user, limit=1)
    found = Variables(user=user, tool_result=tool_result, model=conversation.model)
    found["kb_answer"] = articles[0].body if articles else NO_ANSWER
    found["kb_title"] = articles[0].title if articles else ""
    try:
        parsed = json.loads(tool_result) if tool_result else None
    except ValueError:
        parsed = None
    if isinstance(parsed, Mapping):
        found.update({str(k): v if isinstance(v, str) else json.dumps(v) for k, v in parsed.items()})
    if match is not None:
        found.update({k: v for k, v in match.groupdict().items() if v is not None})
    return found


def _matches(rule: Rule, conversation: Conversation) -> tuple[bool, re.Match[str] | None]:
    last = conversation.messages[-1]
    if last.role != rule.last or not fnmatch.fnmatchcase(conversation.model, rule.model):
        return False, None
    if rule.tool is not None and last.tool_name != rule.tool:
        return False, None
    if rule.call is not None and rule.call.name not in conversation.tools:
        return False, None
    lowered = last.text.lower()
    if rule.contains and not any(word.lower() in lowered for word in rule.contains):
        return False, None
    match = re.search(rule.pattern, last.text) if rule.pattern else None
    return (rule.pattern is None or match is not None), match


def _fill(value: Any, variables: Variables) -> Any:
    if isinstance(value, str):
        return value.format_map(variables)
    if isinstance(value, dict):
        return {k: _fill(v, variables) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, variables) for v in value]
    return value


def decide(scenario: Scenario, conversation: Conversation, new_call_id: Callable[[], str]) -> Reply:
    """The reply for ``conversation``: a judge verdict, the first matching rule, or a knowledge-base answer."""
    settings = scenario.settings_for(conversation.model)
    text, calls = _outcome(scenario, conversation, new_call_id)
    limit = conversation.max_output_tokens
    truncated = limit is not None and count_tokens(text) > limit
    if truncated:
        text = _truncate(text, limit or 0)
    answer = text + "".join(c.name + json.dumps(c.arguments) for c in calls)
    usage = Usage.measure(
        conversation.prompt_text(),
        answer,
        cache_read=settings.cache_read_tokens,
        cache_write=settings.cache_write_tokens,
        reasoning=settings.reasoning_tokens,
    )
    return Reply(settings.response_model or conversation.model, text, calls, usage, truncated)


def _truncate(text: str, limit: int) -> str:
    kept = ""
    for piece in chunk_text(text):
        if count_tokens(kept + piece) > limit:
            break
        kept += piece
    return kept.rstrip()


def _outcome(
    scenario: Scenario, conversation: Conversation, new_call_id: Callable[[], str]
) -> tuple[str, tuple[ToolCall, ...]]:
    if conversation.model.startswith("judge-"):
        return judge(conversation.last_text("user")), ()
    for rule in scenario.rules:
        matched, match = _matches(rule, conversation)
        if not matched:
            continue
        variables = _variables(conversation, match)
        if rule.call is not None:
            return "", (ToolCall(new_call_id(), rule.call.name, _fill(rule.call.arguments, variables)),)
        return _fill(rule.answer, variables), ()
    return _variables(conversation, None)["kb_answer"], ()


@dataclass(frozen=True)
class Parsed:
    """A validated request: the conversation plus what the renderer needs (stream flags, echoed fields)."""

    conversation: Conversation
    stream: bool = False
    include_usage: bool = False
    echo: dict[str, Any] = field(default_factory=dict)
