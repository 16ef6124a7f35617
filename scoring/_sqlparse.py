"""What one SQL file reads and writes, parsed with sqlglot (DuckDB dialect): the edges of the SQL graph."""

from __future__ import annotations

from dataclasses import dataclass

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError


@dataclass(frozen=True, slots=True)
class References:
    reads: frozenset[str]  # tables and views read (common table expressions excluded)
    inserts: frozenset[str]  # tables inserted into
    creates: frozenset[str]  # tables created


def _tables(statement: exp.Expr) -> set[str]:
    ctes = {cte.alias_or_name for cte in statement.find_all(exp.CTE)}
    return {table.name for table in statement.find_all(exp.Table) if table.name and table.name not in ctes}


def references(text: str) -> References:
    """The tables ``text`` reads, inserts into and creates."""
    reads: set[str] = set()
    inserts: set[str] = set()
    creates: set[str] = set()
    for statement in sqlglot.parse(text, read="duckdb"):
        if statement is None:
            continue
        named = _tables(statement)
        if isinstance(statement, exp.Insert):
            target = statement.this.find(exp.Table)
            if target is not None:
                inserts.add(target.name)
                named.discard(target.name)
        elif isinstance(statement, exp.Create) and statement.kind == "TABLE":
            target = statement.this.find(exp.Table)
            if target is not None:
                creates.add(target.name)
                named.discard(target.name)
        reads |= named
    return References(frozenset(reads), frozenset(inserts), frozenset(creates))


def reads_or_none(text: str) -> frozenset[str] | None:
    """What a user's query reads, or None when sqlglot cannot parse it (DuckDB then judges the query)."""
    try:
        return references(text).reads
    except SqlglotError:
        return None
