"""docs/maturity.md maps every sign of the seed to the criteria, and its reference table is criteria.yaml."""

from __future__ import annotations

import re
from pathlib import Path

import scoring

DOC = Path(__file__).resolve().parents[2] / "docs" / "maturity.md"
_ID = re.compile(r"`((?:eval|deploy|obs|repro|gov)\.[a-z0-9_]+)`")


def _sections() -> tuple[str, str]:
    mapping, reference = DOC.read_text(encoding="utf-8").split("## Criteria reference")
    return mapping, reference


def test_every_criterion_is_mapped_from_a_sign_and_every_named_criterion_exists() -> None:
    mapping, _ = _sections()
    ids = {c.id for c in scoring.load_criteria()}
    named = set(_ID.findall(mapping))
    assert sorted(ids - named) == []
    assert sorted(named - ids) == []


def test_the_reference_table_is_the_criteria_file() -> None:
    _, reference = _sections()
    rows = {}
    for line in reference.splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) == 7 and _ID.fullmatch(cells[0]):
            rows[cells[0].strip("`")] = cells
    criteria = scoring.load_criteria()
    assert set(rows) == {c.id for c in criteria}
    for c in criteria:
        cells = rows[c.id]
        assert cells[1] == str(c.level), c.id
        expected = "valid attestation" if c.attestation else f"{c.op} {c.threshold:g}"
        assert cells[4].startswith(expected), (c.id, cells[4])
        assert cells[6] == c.why, c.id
