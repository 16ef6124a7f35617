"""Fixtures of the provider wrapper tests: the local model server (one per module) and a priced telemetry."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.model_server import ServerHandle, serve
from tests.conftest import Captured
from tests.instrumentation.test_providers_support import priced_telemetry


@pytest.fixture(scope="module")
def server() -> Iterator[ServerHandle]:
    with serve() as handle:
        yield handle


@pytest.fixture
def cap(tmp_path: Path, server: ServerHandle) -> Iterator[Captured]:
    server.reset()
    yield from priced_telemetry(tmp_path)
