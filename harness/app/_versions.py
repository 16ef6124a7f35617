"""The agent's releasable versions: a system prompt file (named, content-hashed) and a model each."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from instrumentation.errors import ConfigError
from instrumentation.providers import VersionedPrompt, versioned_prompt

AGENT_NAME = "support-desk"
PROMPT_NAME = "support-agent"


@dataclass(frozen=True, slots=True)
class AgentVersion:
    """One release of the support agent: what the eval gate compares and the canary ships."""

    name: str
    prompt_file: str
    model: str
    max_steps: int = 6
    loop_threshold: int = 3

    def prompt(self) -> VersionedPrompt:
        """The system prompt with its name and content-hash version (``gen_ai.prompt.name``/``version``)."""
        return versioned_prompt(app_file("prompts", self.prompt_file), name=PROMPT_NAME)


VERSIONS: dict[str, AgentVersion] = {
    "baseline": AgentVersion("baseline", "support-agent.v1.md", "gpt-4o-mini"),
    "candidate": AgentVersion("candidate", "support-agent.v2.md", "gpt-4.1-nano"),
    # the baseline's prompt on a newer model: passes the offline suite, but its endpoint fails in production
    "canary": AgentVersion("canary", "support-agent.v1.md", "gpt-4.1-mini"),
}


def get_version(name: str | AgentVersion) -> AgentVersion:
    if isinstance(name, AgentVersion):
        return name
    try:
        return VERSIONS[name]
    except KeyError:
        raise ConfigError(f"unknown agent version {name!r}: choose one of {sorted(VERSIONS)}") from None


def app_file(*parts: str) -> Path:
    """A file shipped with the app (prompts, data, scenario, tool catalogue), as a filesystem path."""
    return Path(str(resources.files("harness.app").joinpath(*parts)))
