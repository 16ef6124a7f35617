"""The governed tool catalogue: a YAML file naming the tools an agent may call, each with an owner.

```yaml
policy: flag          # flag: run it, mark the span and count it; refuse: raise before it runs
tools:
  search_kb: {owner: support-platform, description: Search the knowledge base}
  lookup_order: {owner: orders-team}
```
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from instrumentation import semconv
from instrumentation.errors import ConfigError

_POLICIES = (semconv.TOOL_POLICY_FLAG, semconv.TOOL_POLICY_REFUSE)


@dataclass(frozen=True, slots=True)
class CatalogueEntry:
    name: str
    owner: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class ToolCatalogue:
    """Allowed tools by name; ``policy`` says what happens to a call outside it."""

    tools: dict[str, CatalogueEntry]
    policy: str = semconv.TOOL_POLICY_FLAG
    source: str = "<inline>"

    def __post_init__(self) -> None:
        if self.policy not in _POLICIES:
            raise ConfigError(f"{self.source}: policy must be one of {_POLICIES}, got {self.policy!r}")

    def lookup(self, tool_name: str) -> CatalogueEntry | None:
        return self.tools.get(tool_name)

    @classmethod
    def from_file(cls, path: str | Path, *, policy: str | None = None) -> ToolCatalogue:
        """Load a catalogue file; ``policy`` overrides the file's. Errors name the file and the field."""
        import yaml  # only when a catalogue is used: `import instrumentation` stays light

        path = Path(path)
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(f"cannot read tool catalogue {path}: {exc.strerror}") from exc
        except yaml.YAMLError as exc:
            raise ConfigError(f"tool catalogue {path} is not valid YAML: {exc}") from exc
        return cls.from_mapping(data, source=str(path), policy=policy)

    @classmethod
    def from_mapping(cls, data: Any, *, source: str = "<inline>", policy: str | None = None) -> ToolCatalogue:
        if not isinstance(data, dict) or not isinstance(data.get("tools"), dict):
            raise ConfigError(f"{source}: expected a mapping with a 'tools' mapping of tool name to {{owner: ...}}")
        tools = {name: _entry(source, name, spec) for name, spec in data["tools"].items()}
        return cls(tools, policy or str(data.get("policy", semconv.TOOL_POLICY_FLAG)), source)


def _entry(source: str, name: object, spec: object) -> CatalogueEntry:
    if not isinstance(name, str) or not name:
        raise ConfigError(f"{source}: tools: every key must be a tool name, got {name!r}")
    if not isinstance(spec, dict) or not isinstance(spec.get("owner"), str) or not spec["owner"]:
        raise ConfigError(f"{source}: tools.{name}.owner is required (who answers for this tool)")
    description = spec.get("description", "")
    return CatalogueEntry(name, spec["owner"], description if isinstance(description, str) else str(description))
