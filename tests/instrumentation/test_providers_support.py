"""Shared helpers for the provider wrapper tests (no tests here): a priced telemetry and span readers.

Prices come from a price book written by the test, so the expected costs below are worked by hand
and do not move when genai-prices updates.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from instrumentation._setup import reset_for_tests
from tests.conftest import Captured, make_captured

API_KEY = "sk-test-SECRET-do-not-record-0123456789"

PRICE_BOOK = """
version = "test-1"

[[model]]
provider = "openai"
model = "gpt-test*"
input_mtok = 2.0
cache_read_mtok = 0.5
cache_write_mtok = 2.5
output_mtok = 8.0

[[model]]
provider = "anthropic"
model = "claude-test*"
input_mtok = 3.0
cache_read_mtok = 0.3
cache_write_mtok = 3.75
output_mtok = 15.0
"""


def priced_telemetry(tmp_path: Path, **kwargs: Any) -> Iterator[Captured]:
    """A captured telemetry using the test price book; shut down after the test."""
    book = tmp_path / "prices.toml"
    book.write_text(PRICE_BOOK, encoding="utf-8")
    cap = make_captured(tmp_path / ".harness", price_book=book, exporters=[], **kwargs)
    yield cap
    cap.telemetry.shutdown()
    reset_for_tests()


def attrs(span: Any) -> dict[str, Any]:
    return dict(span.attributes)


def every_value(spans: list[Any]) -> list[str]:
    """Every attribute and event-attribute value of the spans, as text."""
    values = []
    for span in spans:
        values += [str(v) for v in span.attributes.values()]
        for event in span.events:
            values += [str(v) for v in event.attributes.values()]
    return values
