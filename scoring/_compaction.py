"""A compaction seen by a sync: the merged segments whose inputs the database loaded, and their rows relabelled.

A merged segment names its inputs and their sizes (``lake.compacted_from``). When the database loaded every one
of them at that size and they are gone, their rows are the merged segment's rows: ``relabel`` gives them its
name in every table that keeps a segment, and ``restage_loads`` sums again what the loads derive from the staged
spans per segment (the roll-ups are summed again by ``Engine._roll_up(..., again=True)``), so nothing is read
from the lake and the per-segment tables shrink as the lake does.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from instrumentation import lake
from scoring import _sql


def merges(
    new: list[str], stale: list[str], known: dict[str, tuple[int, float]], current: dict[str, tuple[int, float]]
) -> dict[str, list[str]]:
    """The new segments that a compaction merged from loaded segments which are gone (every input named, at the
    size it was loaded with), each with its inputs."""
    gone = {path for path in stale if path not in current}
    found: dict[str, list[str]] = {}
    if not gone:  # none vanished (rewritten, or all stale after a settings change): no footer to read
        return found
    for path in new:
        inputs = lake.compacted_from(Path(path))
        if not inputs:
            continue
        sources = [str(Path(path).parent / name) for name, _ in inputs]
        if all(s in gone and known[s][0] == size for s, (_, size) in zip(sources, inputs, strict=True)):
            gone -= set(sources)  # an input is merged once
            found[path] = sources
    return found


def relabel(
    conn: duckdb.DuckDBPyConnection,
    graph: _sql.Graph,
    merged: dict[str, list[str]],
    current: dict[str, tuple[int, float]],
) -> None:
    """Give the rows of the merges' inputs, in every table that keeps a segment, their merged segment's name."""
    segmented = {  # duration_index keeps no segment: its rows stay as they are
        str(row[0])
        for row in conn.execute(
            "SELECT table_name FROM information_schema.columns WHERE column_name = 'segment' AND table_schema = 'main'"
        ).fetchall()
    }
    tables = [table for table in graph.derived if table in segmented]  # names from the graph, not the catalog
    for target, sources in merged.items():
        for table in tables:
            conn.execute(
                f'UPDATE "{table}" SET segment = $merged WHERE segment IN (SELECT unnest($sources))',
                {"merged": target, "sources": sources},
            )
        conn.execute("DELETE FROM segments WHERE path IN (SELECT unnest($sources))", {"sources": sources})
        conn.execute("INSERT INTO segments VALUES (?, ?, ?)", [target, *current[target]])


def restage_loads(conn: duckdb.DuckDBPyConnection, graph: _sql.Graph, merged: list[str]) -> None:
    """Replace the relabelled rows the per-segment loads derived from the staged spans (the loads that read no
    Parquet: ``span_rollup``, ``unpriced``) by what one load of each ``merged`` segment gives: one row per key,
    not one per input and key."""
    from scoring import _sqlparse

    bound = {"segments": merged}
    for load in graph.loads:
        text = _sql.read(load)
        if "read_parquet" in text or "$segments" not in text:
            continue  # reads the lake: its relabelled rows are the rows a load of the merged segment gives
        for table in sorted(_sqlparse.references(text).inserts):
            conn.execute(f'DELETE FROM "{table}" WHERE segment IN (SELECT unnest($segments))', bound)
        conn.execute(text, bound)
