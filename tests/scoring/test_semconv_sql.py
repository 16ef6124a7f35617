"""Every attribute and name the SQL reads is defined in instrumentation/semconv.py."""

from __future__ import annotations

import re
from importlib import resources

from instrumentation import semconv

_MAP_KEY = re.compile(r"""(?:SpanAttributes|ResourceAttributes|Attributes|\ba|\br)"?\s*\[\s*'([^']+)'\s*\]""")
_DOTTED = re.compile(r"'([a-z_]+(?:\.[a-z_]+)+)'")


def _sql_files() -> dict[str, str]:
    root = resources.files("scoring").joinpath("sql")
    files = {
        f"{folder.name}/{entry.name}": entry.read_text(encoding="utf-8")
        for folder in root.iterdir()
        if folder.is_dir()
        for entry in folder.iterdir()
        if entry.name.endswith(".sql")
    }
    assert len(files) > 50  # every layer folder was read
    return files


def _semconv_values() -> set[str]:
    return {value for name, value in vars(semconv).items() if name.isupper() and isinstance(value, str)}


def test_sql_reads_attributes_only_by_semconv_names() -> None:
    known = _semconv_values()
    read = {key for text in _sql_files().values() for key in _MAP_KEY.findall(text)}
    assert len(read) > 40  # the extraction found the attribute reads
    assert sorted(read - known) == []


def test_every_dotted_literal_in_sql_is_a_semconv_name() -> None:
    known = _semconv_values()
    dotted = {name for text in _sql_files().values() for name in _DOTTED.findall(text)}
    assert semconv.EVENT_EVALUATION_RESULT in dotted
    assert sorted(dotted - known) == []


def test_record_types_and_operations_compared_in_sql_are_semconv_values() -> None:
    text = "\n".join(_sql_files().values())
    compared = set(re.findall(r"record_type (?:=|IN) \(?'([a-z_]+)'", text))
    compared |= set(re.findall(r"operation (?:=|IN) \(?'([a-z_]+)'", text))
    assert compared and sorted(compared - _semconv_values()) == []


def test_span_classes_compared_in_sql_are_the_named_classes() -> None:
    from scoring import _sql

    text = "\n".join(_sql_files().values())
    compared = set(re.findall(r"span_class (?:=|IN) \(?'([a-z_]+)'", text))
    compared |= {
        value for group in re.findall(r"span_class IN \(([^)]*)\)", text) for value in re.findall(r"'(\w+)'", group)
    }
    assert compared and sorted(compared - set(_sql.SPAN_CLASSES)) == []
    assert not re.search(r"span_class (?:=|IN) \(?\d", text)  # no magic integers
