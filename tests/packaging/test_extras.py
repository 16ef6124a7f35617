"""One distribution, a light core and extras: `all` names every extra but the tools, the lock is made from
`all` and `dev`, and the SDK compatibility runs install the two ends of each declared range."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from tests.packaging import sdk_range

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
LOCK = (ROOT / "requirements.lock").read_text(encoding="utf-8")


def _names(requirements: list[str]) -> set[str]:
    return {re.split(r"[<>=!~\[; ]", r, maxsplit=1)[0].lower() for r in requirements}


def test_the_core_is_what_an_instrumented_app_needs() -> None:
    assert _names(PROJECT["dependencies"]) == {
        "opentelemetry-api",
        "opentelemetry-sdk",
        "opentelemetry-exporter-otlp",
        "genai-prices",
        "pyarrow",
        "pyyaml",
    }


def test_all_names_every_extra_but_the_tools_and_the_lock_is_made_from_all_and_dev() -> None:
    extras = PROJECT["optional-dependencies"]
    (everything,) = extras["all"]
    named = re.fullmatch(r"llm-harness\[([a-z,-]+)\]", everything)
    assert named is not None
    assert set(named.group(1).split(",")) == set(extras) - {"all", "dev"}
    assert "--extra all --extra dev" in LOCK.splitlines()[1]


def test_the_sdk_runs_install_the_lower_bounds_and_the_whole_range() -> None:
    assert sdk_range.requirements("oldest") == ["openai==2.0", "anthropic==0.60"]
    assert sdk_range.requirements("newest") == ["openai>=2.0,<4", "anthropic>=0.60,<3"]


def test_the_locked_sdks_are_inside_their_declared_range() -> None:
    from instrumentation.providers._versions import in_range

    for sdk, specifier in sdk_range.declared().items():
        (pin,) = re.findall(rf"^{sdk}==(\S+)$", LOCK, flags=re.MULTILINE)
        assert in_range(pin, specifier), f"the lock pins {sdk} {pin}, outside {specifier}"
