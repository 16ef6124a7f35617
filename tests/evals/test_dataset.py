"""Datasets and suites are validated strictly; errors name the file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from evals import DatasetError, SuiteError, load_dataset, load_suite_yaml


def test_jsonl_dataset_is_hashed_by_content(tmp_path: Path) -> None:
    path = tmp_path / "qa.jsonl"
    path.write_text('{"id": "a", "input": "2+2?", "expected": "4"}\n\n{"id": "b", "input": "3+3?", "expected": "6"}\n')
    first = load_dataset(path)
    assert [c.id for c in first.cases] == ["a", "b"] and first.hash.startswith("sha256:")
    path.write_text(path.read_text().replace('"6"', '"7"'))
    assert load_dataset(path).hash != first.hash


def test_a_bad_jsonl_line_names_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "qa.jsonl"
    path.write_text('{"id": "a", "input": "x"}\n{"id": 5, "input": "y"}\n')
    with pytest.raises(DatasetError, match=r"qa\.jsonl:2: field 'id'"):
        load_dataset(path)
    path.write_text('{"id": "a", "input": "x", "colour": 1}\n')
    with pytest.raises(DatasetError, match=r"qa\.jsonl:1: field 'colour': Extra inputs"):
        load_dataset(path)
    path.write_text('{"id": "a", "input": "x"}\n{"id": "a", "input": "y"}\n')
    with pytest.raises(DatasetError, match="duplicate case id 'a'"):
        load_dataset(path)


def test_a_bad_yaml_case_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "qa.yaml"
    path.write_text("cases:\n  - id: a\n    input: x\n  - id: b\n    inputs: y\n")
    with pytest.raises(DatasetError, match=r"qa\.yaml:4: field 'input'"):
        load_dataset(path)


def test_a_yaml_suite_with_an_unknown_scorer_is_refused(tmp_path: Path) -> None:
    (tmp_path / "d.jsonl").write_text('{"id": "a", "input": "x"}\n')
    suite = tmp_path / "s.yaml"
    suite.write_text("name: s\ntask: json:dumps\ndataset: d.jsonl\nscorers: [{type: vibes}]\n")
    with pytest.raises(SuiteError, match="scorer type 'vibes' unknown"):
        load_suite_yaml(suite)
    suite.write_text("name: s\ntask: json:dumps\ndataset: d.jsonl\nscorers: [{type: exact}]\ngate: {alpha: 2}\n")
    with pytest.raises(SuiteError, match=r"field 'gate\.alpha'"):
        load_suite_yaml(suite)
