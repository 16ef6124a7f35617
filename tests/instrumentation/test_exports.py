"""The instrumentation packages import their names on first use: every public name still resolves."""

from __future__ import annotations

import subprocess
import sys

import pytest

import instrumentation
import instrumentation.lake


@pytest.mark.parametrize("package", [instrumentation, instrumentation.lake], ids=lambda p: p.__name__)
def test_every_public_name_resolves_and_an_unknown_one_is_an_attribute_error(package: object) -> None:
    names: list[str] = getattr(package, "__all__")  # noqa: B009 - the test reads the attribute under test
    assert names and all(getattr(package, name) is not None for name in names)
    with pytest.raises(AttributeError, match="no attribute 'confgure'"):
        getattr(package, "confgure")  # noqa: B009


def test_importing_instrumentation_loads_nothing_until_a_name_is_read() -> None:
    heavy = "('opentelemetry.sdk.trace', 'pyarrow', 'instrumentation._setup')"
    probe = (
        "import sys, instrumentation, instrumentation.lake; "
        "from instrumentation import lake, semconv; "  # a submodule still imports as such
        f"print(sorted(m for m in {heavy} if m in sys.modules)); "
        "instrumentation.configure; print('opentelemetry.sdk.trace' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.splitlines()
    assert out == ["[]", "True"]
