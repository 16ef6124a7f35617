"""The SQL of evals/_store/sql reads attributes only by their semconv names, compares record types only with
semconv values, and binds every value by name (no positional $1, no string building), as scoring's SQL does."""

from __future__ import annotations

import re
from importlib import resources

from instrumentation import semconv
from tests.scoring.test_semconv_sql import _DOTTED, _MAP_KEY, _semconv_values


def _sql_files() -> dict[str, str]:
    folder = resources.files("evals._store").joinpath("sql")
    return {entry.name: entry.read_text(encoding="utf-8") for entry in folder.iterdir() if entry.name.endswith(".sql")}


def test_evals_sql_reads_attributes_only_by_semconv_names() -> None:
    files = _sql_files()
    read = {key for text in files.values() for key in _MAP_KEY.findall(text)}
    assert {semconv.HARNESS_EVAL_RUN_ID, semconv.HARNESS_RECORD_TYPE, semconv.GEN_AI_INPUT_MESSAGES} <= read
    assert sorted(read - _semconv_values()) == []
    dotted = {name for text in files.values() for name in _DOTTED.findall(text)}
    assert sorted(dotted - _semconv_values()) == []


def test_evals_sql_compares_record_types_with_semconv_values_and_binds_by_name() -> None:
    files = _sql_files()
    text = "\n".join(files.values())
    compared = set(re.findall(r"\['harness\.record\.type'\] (?:=|IN) \(?'([a-z_]+)'(?:, '([a-z_]+)')?", text))
    values = {value for pair in compared for value in pair if value}
    assert {semconv.RECORD_EVAL_RUN, semconv.RECORD_EVAL_CASE, semconv.RECORD_EVAL_APPROVAL} <= values
    assert sorted(values - _semconv_values()) == []
    for name, sql in files.items():
        assert not re.search(r"\$\d", sql), f"{name}: positional parameter; bind by name ($segments, $run_id, ...)"
        assert "$segments" in sql, f"{name}: reads the lake other than through the bound segment list"
