"""One fully recorded fixture lake per module (writing it is the slow part), plus the price book."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.scoring import _lake


@pytest.fixture(scope="module")
def full_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("full") / ".harness"
    _lake.write_llm_calls(home)
    _lake.write_facts(home)
    return home


@pytest.fixture(autouse=True, scope="module")
def price_book(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The price book that prices the fixture's house model (set before any module-scoped scorecard)."""
    with _lake.priced(tmp_path_factory.mktemp("prices")) as path:
        yield path
