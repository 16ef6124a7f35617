"""The errors scoring raises on purpose; each names the input, file, line or field to fix.

    HarnessError                  (instrumentation.errors: the project's one family)
    └── ScoringError              the scorecard cannot be computed: no telemetry, an unknown system,
        │                         a segment that does not load, a query that is not one SELECT
        ├── WrongKindError        a named system is of the other kind (LLM or classical) than the scope's
        ├── InputFileError        systems.yaml, attestations.yaml or a time is malformed (file:line: field)
        ├── SqlGraphError         the packaged SQL files do not form a graph (a cycle, a layer read
        │                         backwards, an unknown table): a defect of scoring, not of the input
        └── DialectError          a construct of the DuckDB SQL has no ClickHouse rendering (a defect of
                                  scoring: the parity test fails on it)

The command line prints any of them as one line and exits 3.
"""

from __future__ import annotations

from instrumentation.errors import HarnessError


class ScoringError(HarnessError):
    """The scorecard cannot be computed; the message says which input and what to do."""


class WrongKindError(ScoringError):
    """A system named in the scope is of the other kind; ``kind`` is the one it is."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


class InputFileError(ScoringError):
    """A catalogue, attestation file or time given to scoring is malformed; the message names where."""


class SqlGraphError(ScoringError):
    """The SQL files do not form a graph: a cycle, a layer read backwards, or an unknown table."""


class DialectError(ScoringError):
    """A construct of the DuckDB SQL that has no ClickHouse rendering (scoring._dialect)."""
