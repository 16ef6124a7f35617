"""Evidence runnable as printed: each criterion's SQL as the ``harness sql`` command of the scorecard's scope."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scoring._scope import Scope

_SHELL_SPECIAL = frozenset('"$`\\!')


def iso(moment: datetime) -> str:
    """``2026-03-02T00:00:00Z``: UTC with a Z, as the scorecard prints its window."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class Command:
    """``harness sql`` with the flags that reproduce one scope (only those that differ from the defaults)."""

    prefix: str

    @classmethod
    def of(
        cls,
        scope: Scope,
        home: str | Path | None,
        systems_file: str | Path | None,
        default: Path,
        *,
        engine: str = "duckdb",
        dsn: str | None = None,
    ) -> Command:
        """The prefix; on ClickHouse it names the engine and the server (``--dsn`` without its password: a
        scorecard is shared, so the evidence reads the password from HARNESS_CLICKHOUSE_PASSWORD)."""
        parts = ["harness", "sql"]
        if home is not None:
            parts += ["--home", str(home)]
        parts += ["--since", iso(scope.since), "--until", iso(scope.until)]
        if scope.kind != "llm":
            parts += ["--kind", scope.kind]
        for name in scope.systems:
            parts += ["--system", name]
        if scope.env != "production":
            parts += ["--env", scope.env]
        if systems_file is not None and Path(systems_file) != default:
            parts += ["--systems-file", str(systems_file)]
        if engine != "duckdb":
            parts += ["--engine", engine]
        if dsn:
            parts += ["--dsn", without_password(dsn)]
        return cls(" ".join(shlex.quote(part) for part in parts))

    def run(self, sql: str) -> str:
        """The command that prints the rows of ``sql`` (double-quoted, so the SQL's own quotes read as written)."""
        quoted = shlex.quote(sql) if _SHELL_SPECIAL & set(sql) else f'"{sql}"'
        return f"{self.prefix} {quoted}"


def without_password(dsn: str) -> str:
    """``clickhouse://user:secret@host/db`` -> ``clickhouse://user@host/db``."""
    return re.sub(r"//([^:@/]*):[^@/]*@", r"//\1@", dsn)
