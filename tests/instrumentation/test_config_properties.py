"""Property-based: any price book or ``[tool.harness]`` table gets a clear ``ConfigError`` or a valid result.

"Valid" means what the rest of the code relies on: prices finite and not negative, sizes and intervals
positive, a batch no larger than the queue. Inputs are TOML documents built from arbitrary values, raw
bytes, and near-misses of the real formats.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from instrumentation import ConfigError, PriceBook, load_settings
from instrumentation._cost import load_price_book
from tests.properties import toml_document, toml_values

_PRICE_KEYS = [
    "provider", "model", "service_tier", "speed", "input_mtok", "output_mtok", "cache_read_mtok", "cache_write_mtok",
    "version", "notes", "input_mtk",
]  # fmt: skip
_SETTINGS_KEYS = [
    "service_name",
    "home",
    "exporters",
    "capture_content",
    "price_book",
    "lake_segment_rows",
    "lake_flush_seconds",
    "queue_size",
    "batch_size",
    "schedule_delay_ms",
    "raise_internal_errors",
]


@contextmanager
def _file(tmp: Path, name: str, content: bytes) -> Iterator[Path]:
    path = tmp / name
    path.write_bytes(content)
    try:
        yield path
    finally:
        path.unlink()


_price_entry = st.dictionaries(st.sampled_from(_PRICE_KEYS), toml_values(), max_size=6)
_price_books = st.one_of(
    st.builds(lambda models: toml_document({"model": models}), st.lists(_price_entry, max_size=4)),
    st.builds(lambda top: toml_document(top), st.dictionaries(st.sampled_from(["model", "version"]), toml_values())),
    st.binary(max_size=200),
)


@given(_price_books)
@example(b"model = 5")
@example(b'[[model]]\nmodel = "x"\ninput_mtok = nan')
@example(b'[[model]]\nmodel = "x"\ninput_mtok = -1')
@example(b'[[model]]\nmodel = "x"\ninput_mtok = true')
@example(b"\xff\xfe")
def test_a_price_book_is_read_or_refused_with_its_file_named(
    tmp_path_factory: pytest.TempPathFactory, text: bytes
) -> None:
    with _file(tmp_path_factory.getbasetemp(), "prices.toml", text) as path:
        try:
            entries = load_price_book(path)
        except ConfigError as exc:
            assert str(path) in str(exc)
            return
        for entry in entries:
            assert isinstance(entry.provider, str) and isinstance(entry.model, str)
            assert entry.service_tier is None or isinstance(entry.service_tier, str)
            assert entry.speed is None or isinstance(entry.speed, str)
            price = entry.price
            rates = [price.base.input, price.base.output, price.base.cache_read, price.base.cache_write]
            assert all(r is None or (math.isfinite(r) and r >= 0) for r in rates), price
        PriceBook(entries).lookup("openai", "gpt-4o-mini")


_settings_tables = st.one_of(
    st.builds(
        lambda table: toml_document({"tool": {"harness": table}}),
        st.dictionaries(st.sampled_from(_SETTINGS_KEYS), toml_values(), max_size=5),
    ),
    st.builds(lambda tool: toml_document({"tool": tool}), toml_values()),
    st.binary(max_size=200),
)


@given(_settings_tables)
@example(b"tool = 5")
@example(b"[tool]\nharness = 5")
@example(b"[tool.harness]\nbatch_size = -5")
@example(b"[tool.harness]\nbatch_size = 1.5")
@example(b"[tool.harness]\nlake_flush_seconds = nan")
@example(b"[tool.harness]\nqueue_size = 8\nbatch_size = 64")
@example(b"\xff\xfe")
def test_a_tool_harness_table_is_read_or_refused_with_its_source_named(
    tmp_path_factory: pytest.TempPathFactory, text: bytes
) -> None:
    folder = tmp_path_factory.getbasetemp() / "project"
    folder.mkdir(exist_ok=True)
    with _file(folder, "pyproject.toml", text), pytest.MonkeyPatch.context() as env:
        for key in _SETTINGS_KEYS:
            env.delenv(f"HARNESS_{key.upper()}", raising=False)
        try:
            settings = load_settings(cwd=folder)
        except ConfigError as exc:
            assert "pyproject.toml" in str(exc)
            return
    for size in (settings.lake_segment_rows, settings.queue_size, settings.batch_size, settings.schedule_delay_ms):
        assert isinstance(size, int) and size >= 1
    assert math.isfinite(settings.lake_flush_seconds) and settings.lake_flush_seconds > 0
    assert settings.batch_size <= settings.queue_size


@given(st.dictionaries(st.sampled_from(_SETTINGS_KEYS), st.text(max_size=12), max_size=4))
def test_environment_variables_are_read_or_refused_with_the_variable_named(values: dict[str, str]) -> None:
    with pytest.MonkeyPatch.context() as env:
        for key in _SETTINGS_KEYS:
            env.delenv(f"HARNESS_{key.upper()}", raising=False)
        for key, value in values.items():
            if "\x00" not in value:
                env.setenv(f"HARNESS_{key.upper()}", value)
        try:
            settings = load_settings(cwd=Path("/"))
        except ConfigError as exc:
            assert "HARNESS_" in str(exc)
            return
    assert settings.batch_size <= settings.queue_size and settings.lake_flush_seconds > 0


def test_the_toml_strategy_writes_what_tomllib_reads() -> None:
    document: dict[str, Any] = {"a": [1, {"b": "c"}], "t": {"x": 1.5}}
    assert tomllib.loads(toml_document(document).decode()) == document
