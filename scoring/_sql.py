"""The SQL of the scoring layer: one statement per ``.sql`` file, in one folder per layer.

    scoring/sql/tables/        the staging tables, their loads from the lake's segments, pricing, bookkeeping
    scoring/sql/staging/       stg_*: typed rows of calls, runs and facts, in scope
    scoring/sql/intermediate/  int_*: what the metrics share (the deployments counted, attribution, ...)
    scoring/sql/metrics/       met_*: the operational metrics
    scoring/sql/criteria/      crit_<axis>: one row of evidence signals per axis

A view's name is its file's name, and view names are the allow-list of identifiers Python may put
into SQL text. The order views are created in, and the order of the loads, are derived from the
tables each file reads (parsed with sqlglot), never kept by hand: a view reads only base tables
and views of its own or an earlier layer, and each load runs after the loads that fill what it reads.
"""

from __future__ import annotations

import graphlib
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from scoring.errors import SqlGraphError

if TYPE_CHECKING:
    from scoring._sqlparse import References

TABLES = "tables"
# What a span is to the metrics (the ENUM type span_class of the spans table; load_spans.sql decides it).
SPAN_CLASS_TYPE = "span_class"
SPAN_CLASSES = ("other", "inference", "agent", "tool", "prediction")
LAYERS = ("staging", "intermediate", "metrics", "criteria")
LOAD_PREFIX = "load_"
# The mapping table of other instrumentations' attributes (tables/dialect_attributes.sql), its kinds and its
# one-row pivot, created in this order whenever the schema is checked (the loads read the last two).
MAPPING_TABLES = ("dialect_attributes", "span_kinds", "attribute_keys")
# Roll-ups of the spans per day that the warm views sum for the whole days of a window (tables/<name>.sql fills
# the table <name>): rebuilt, in this order, after every sync that changed the spans, eval traffic or prices.
ROLLUPS = (
    "call_rollup",
    "trace_rollup",
    "request_rollup",  # reads trace_rollup
    "bin_rollup",
    "parent_rollup",
    "latency_rollup",
    "agent_rollup",
    "trajectory_rollup",
    "duration_index",
)
# Views that stay views: the span-sized staging (copying millions of rows costs more than re-scanning
# the columnar table). Every other view is computed once per scope into a small temp table, so criteria
# and metrics sharing inputs never recompute them. A materialisation policy, not an order.
LAZY_VIEWS = frozenset(
    {
        "stg_scoped_spans",
        "stg_llm_calls",
        "stg_predictions",
        "stg_model_calls",
        "stg_agent_runs",
        "stg_agent_steps",
        "met_latency_by",
        "met_trajectory",
        "met_drift",
    }
)


def _is_sql(filename: str) -> bool:
    return filename.endswith(".sql")


@cache
def listing() -> dict[str, tuple[str, ...]]:
    """Folder -> the names of its ``.sql`` files, sorted (a name is unique across folders)."""
    root = resources.files("scoring").joinpath("sql")
    found = {
        folder: tuple(sorted(e.name.removesuffix(".sql") for e in root.joinpath(folder).iterdir() if _is_sql(e.name)))
        for folder in (TABLES, *LAYERS)
    }
    names = [name for folder in found.values() for name in folder]
    if len(set(names)) != len(names):
        raise SqlGraphError(f"a file name appears in two folders of scoring/sql: {sorted(names)}")
    return found


@cache
def _folder_of() -> dict[str, str]:
    return {name: folder for folder, names in listing().items() for name in names}


@cache
def read(name: str) -> str:
    """The text of the ``.sql`` file ``name``, from whichever layer folder holds it."""
    folder = _folder_of().get(name)
    if folder is None:
        raise ValueError(f"unknown SQL file {name!r}")
    return resources.files("scoring").joinpath("sql", folder, f"{name}.sql").read_text(encoding="utf-8")


VIEWS: tuple[str, ...] = tuple(name for layer in LAYERS for name in listing()[layer])
READABLE_TABLES = ("spans", "fact_spans")  # the staging tables a user's query reads besides the views


def readable() -> str:
    """What a user's query can read, for an error message."""
    return f"views: {', '.join(VIEWS)}; tables: {', '.join(READABLE_TABLES)}"


def unknown_relation(sql: str, exists: Callable[[str], bool]) -> str | None:
    """A message naming the first relation ``sql`` reads that is neither a view nor a readable table and that
    ``exists`` denies, with the view or table it most likely meant (the engines' own suggestions draw on their
    internal tables: DuckDB offered ``meta`` for ``met_latncy``); None when every one is known or the query does
    not parse."""
    import difflib

    from scoring import _sqlparse

    reads = _sqlparse.reads_or_none(sql)
    known = (*VIEWS, *READABLE_TABLES)
    for name in sorted(reads or ()):
        if name in known or exists(name):
            continue
        near = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        hint = f"; did you mean {near[0]!r}?" if near else ""
        return f"no view or table {name!r}{hint} ({readable()})"
    return None


METRIC_VIEWS: tuple[str, ...] = listing()["metrics"]
CRITERIA_VIEWS: tuple[str, ...] = listing()["criteria"]


def _digest(names: Iterable[str]) -> str:
    digest = hashlib.sha256()
    for name in names:
        digest.update(f"{name}\0{read(name)}\0".encode())
    return digest.hexdigest()[:16]


def schema_version() -> str:
    """Changes whenever the staging tables, their loads or the span classes change: a stale database is rebuilt."""
    return _digest(listing()[TABLES]) + hashlib.sha256(",".join(SPAN_CLASSES).encode()).hexdigest()[:4]


def span_class_type() -> str:
    """``CREATE TYPE span_class AS ENUM (...)``: DDL has no parameters, so the values come from the constant."""
    values = ", ".join(f"'{value}'" for value in SPAN_CLASSES if value.isidentifier())
    return f"CREATE TYPE IF NOT EXISTS {SPAN_CLASS_TYPE} AS ENUM ({values})"


def sql_version() -> str:
    """Changes whenever any SQL file changes: the key the derived graph is cached under."""
    return _digest(name for names in listing().values() for name in names)


@dataclass(frozen=True, slots=True)
class Graph:
    """What the SQL files read and write, and the orders that follow."""

    views: tuple[str, ...]  # every view, each after the views it reads
    reads: Mapping[str, tuple[str, ...]]  # view -> the views it reads
    loads: tuple[str, ...]  # tables/load_*.sql, each after the loads filling what it reads
    derived: tuple[str, ...]  # tables the files of tables/ insert into (cleared per vanished segment)

    def closure(self, wanted: Iterable[str]) -> tuple[str, ...]:
        """The views ``wanted`` and everything they read, in creation order."""
        needed: set[str] = set()
        stack = [name for name in wanted if name in self.reads]
        while stack:
            name = stack.pop()
            if name not in needed:
                needed.add(name)
                stack.extend(self.reads[name])
        return tuple(name for name in self.views if name in needed)

    def to_json(self) -> str:
        return json.dumps({"views": self.views, "reads": self.reads, "loads": self.loads, "derived": self.derived})

    @classmethod
    def from_json(cls, text: str) -> Graph:
        data = json.loads(text)
        reads = {name: tuple(names) for name, names in data["reads"].items()}
        return cls(tuple(data["views"]), reads, tuple(data["loads"]), tuple(data["derived"]))


def _by_name(name: str) -> str:
    return name


def _ordered(depends: Mapping[str, set[str]], rank: Callable[[str], Any]) -> tuple[str, ...]:
    """A topological order, ties broken by ``rank`` so the order is the same on every machine."""
    sorter = graphlib.TopologicalSorter(depends)
    try:
        sorter.prepare()
    except graphlib.CycleError as exc:
        raise SqlGraphError(f"the SQL files read each other in a cycle: {exc.args[1]}") from exc
    order: list[str] = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready(), key=rank)
        order.extend(ready)
        sorter.done(*ready)
    return tuple(order)


def derive() -> Graph:
    """Parse every file and derive the view and load orders (sqlglot; a few hundred ms, so cached)."""
    from scoring import _sqlparse

    parsed = {name: _sqlparse.references(read(name)) for names in listing().values() for name in names}
    return build(listing(), parsed)


def build(folders: Mapping[str, tuple[str, ...]], parsed: Mapping[str, References]) -> Graph:
    """The graph of the files in ``folders`` (folder -> names) from what each reads and writes."""
    base = {table for name in folders[TABLES] for table in parsed[name].creates}
    layer_of = {name: index for index, layer in enumerate(LAYERS) for name in folders[layer]}
    reads: dict[str, set[str]] = {}
    for view, layer in layer_of.items():
        unknown = parsed[view].reads - base - set(layer_of)
        if unknown:
            raise SqlGraphError(f"{view}.sql reads {', '.join(sorted(unknown))}: neither a view nor a staging table")
        reads[view] = set(parsed[view].reads & set(layer_of))
        backwards = sorted(r for r in reads[view] if layer_of[r] > layer)
        if backwards:
            raise SqlGraphError(f"{view}.sql ({LAYERS[layer]}) reads a later layer: {', '.join(backwards)}")
    views = tuple(
        view
        for index, layer in enumerate(LAYERS)
        for view in _ordered({v: {r for r in reads[v] if layer_of[r] == index} for v in folders[layer]}, _by_name)
    )
    loads = tuple(name for name in folders[TABLES] if name.startswith(LOAD_PREFIX))
    fills = {table: name for name in loads for table in parsed[name].inserts}
    load_reads = {name: {fills[t] for t in parsed[name].reads if t in fills and fills[t] != name} for name in loads}
    load_order = _ordered(load_reads, _by_name)
    derived = tuple(sorted({t for name in folders[TABLES] for t in parsed[name].inserts}))
    return Graph(views, {name: tuple(sorted(reads[name])) for name in views}, load_order, derived)


@cache
def graph(stored: str | None = None) -> Graph:
    """The derived graph; ``stored`` is a graph cached with the current ``sql_version`` (JSON), if any."""
    return Graph.from_json(stored) if stored is not None else derive()


def create_statement(name: str, *, materialize: bool) -> str:
    """``CREATE`` the allow-listed view ``name`` as a view, or as a temp table of its rows."""
    if name not in VIEWS:
        raise ValueError(f"unknown view {name!r}")
    kind = "TABLE" if materialize and name not in LAZY_VIEWS else "VIEW"
    return f"CREATE OR REPLACE TEMP {kind} {name} AS\n{read(name)}"
