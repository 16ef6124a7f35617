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


SCORERS_MODULE = """
import evals

@evals.register_scorer("starts_with")
class StartsWith(evals.Scorer):
    def __init__(self, prefix: str, *, name: str = "starts_with") -> None:
        self.name, self.prefix = name, prefix

    def score(self, ctx):
        return evals.Score(float(ctx.text.startswith(self.prefix)), ctx.text.startswith(self.prefix))

@evals.scorer(name="short")
def short(ctx):
    return len(ctx.text) < 10

evals.register_scorer("short", short)

def answer(case, ctx):
    return "ok " + str(case.input)
"""


def test_scorers_registered_in_python_are_named_in_yaml(tmp_path: Path) -> None:
    (tmp_path / "my_scorers.py").write_text(SCORERS_MODULE)  # beside the suite: importable without PYTHONPATH
    (tmp_path / "d.jsonl").write_text('{"id": "a", "input": "x"}\n')
    suite = tmp_path / "s.yaml"
    body = "name: s\ntask: my_scorers:answer\ndataset: d.jsonl\nscorers:\n"
    suite.write_text(
        body
        + "  - {type: starts_with, prefix: ok}\n  - short\n  - {type: 'my_scorers:StartsWith', prefix: x, name: x}\n"
    )
    loaded = load_suite_yaml(suite)
    assert [type(s).__name__ for s in loaded.scorers] == ["StartsWith", "Custom", "StartsWith"]
    assert [s.name for s in loaded.scorers] == ["starts_with", "short", "x"]
    suite.write_text(body + "  - {type: starts_with, prefx: ok}\n")
    with pytest.raises(
        SuiteError, match=r"s\.yaml:5: scorer 'starts_with': unknown parameter 'prefx'; parameters: name, prefix"
    ):
        load_suite_yaml(suite)
    suite.write_text(body + "  - {type: starts_with}\n")
    with pytest.raises(SuiteError, match=r"missing parameter 'prefix'"):
        load_suite_yaml(suite)
    suite.write_text(body + "  - {type: max_steps, limit: many}\n")
    with pytest.raises(SuiteError, match=r"scorer 'max_steps': parameter 'limit': Input should be a valid integer"):
        load_suite_yaml(suite)


def test_a_built_in_scorer_type_cannot_be_replaced() -> None:
    from evals import Exact, register_scorer

    with pytest.raises(SuiteError, match="'contains' is built in"):
        register_scorer("contains", Exact)


def test_module_colon_function_finds_a_suite_by_its_functions_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from evals import get_suite

    (tmp_path / "named_suites.py").write_text(
        "from evals import Case, Exact, dataset_from_cases, suite\n"
        "@suite('the-qa-suite', dataset=dataset_from_cases('d', [Case(id='a', input='x')]), scorers=[Exact('x')])\n"
        "def answer(case, ctx):\n    return case.input\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    assert get_suite("named_suites:answer").name == "the-qa-suite"
    assert get_suite("named_suites:the-qa-suite").name == "the-qa-suite"
