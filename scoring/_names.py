"""The names a scorecard is made of: its axes, the kinds of system, the output formats.

Defined once, as Literal types with their values as tuples, in a module that imports nothing heavy,
so the command line can offer them as choices without loading DuckDB.
"""

from __future__ import annotations

from typing import Literal, get_args

Axis = Literal["evaluation", "deployment", "observability", "reproducibility", "governance"]
Kind = Literal["llm", "classical"]
Format = Literal["table", "json", "markdown"]
EngineName = Literal["duckdb", "clickhouse"]

AXES: tuple[Axis, ...] = get_args(Axis)
KINDS: tuple[Kind, ...] = get_args(Kind)
FORMATS: tuple[Format, ...] = get_args(Format)
ENGINES: tuple[EngineName, ...] = get_args(EngineName)
