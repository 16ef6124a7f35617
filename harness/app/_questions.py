"""The support question set: the first eval subject (question, expected keywords, feature, category)."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from harness.app._versions import app_file
from instrumentation.errors import ConfigError


class SupportQuestion(BaseModel):
    """One question; an answer is correct when it contains every expected keyword (case-insensitive)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    question: str
    expected_keywords: tuple[str, ...]
    feature: str
    category: str

    def is_answered_by(self, answer: str) -> bool:
        lowered = answer.lower()
        return all(keyword.lower() in lowered for keyword in self.expected_keywords)


def questions_path() -> Path:
    return app_file("data", "questions.jsonl")


def load_questions(path: str | Path | None = None) -> list[SupportQuestion]:
    """Read a JSONL question file (default: the shipped set); a bad line is named by file and line number."""
    source = Path(path) if path is not None else questions_path()
    try:
        text = source.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{source}: cannot read the question file: {exc.strerror}") from exc
    questions = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            questions.append(SupportQuestion.model_validate(json.loads(line)))
        except (ValueError, ValidationError) as exc:
            raise ConfigError(f"{source}:{number}: not a valid support question: {exc}") from exc
    return questions
