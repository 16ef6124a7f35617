"""The scorecard says whether the window's data is complete, from the lake's export health records."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

import scoring
from instrumentation.lake import HEALTH_SCHEMA
from tests.scoring import _lake
from tests.scoring._lake import SCOPE, t


def _health(home: Path, start: datetime, end: datetime, written: int, dropped: dict[str, int]) -> None:
    """One health record, as a lake writer writes it (the lake's own schema and layout)."""
    folder = home / "lake" / "export_health" / f"dt={end:%Y-%m-%d}"
    folder.mkdir(parents=True, exist_ok=True)
    row = {
        "Timestamp": [end],
        "IntervalStart": [start],
        "WriterId": [f"w{len(list(folder.glob('*.parquet')))}"],
        "ServiceName": ["support"],
        "ProcessId": [1],
        "Exporter": ["lake"],
        "Written": [written],
        "Dropped": [sum(dropped.values())],
        "DroppedByCause": [sorted(dropped.items())],
        "Final": [True],
    }
    pq.write_table(pa.Table.from_pydict(row, schema=HEALTH_SCHEMA), folder / f"part-{row['WriterId'][0]}.parquet")


def test_drops_in_the_window_make_the_scorecard_say_incomplete(tmp_path: Path) -> None:
    home = tmp_path / ".harness"
    _lake.write_llm_calls(home)
    _health(home, t("2026-03-05T00:00:00"), t("2026-03-05T01:00:00"), 990, {"queue_full": 8, "write_failed": 2})
    _health(home, t("2025-01-01T00:00:00"), t("2025-01-01T01:00:00"), 5, {"queue_full": 500})  # outside the window
    card = scoring.scorecard(home, SCOPE)
    data = card.data_completeness
    assert data.status == "incomplete"
    assert (data.written, data.dropped, data.dropped_by_cause) == (990, 10, {"queue_full": 8, "write_failed": 2})
    assert data.dropped_share == 0.01
    line = "data incomplete: 10 spans dropped (queue_full: 8, write_failed: 2) in the window; metrics undercount"
    assert line in card.warnings
    assert line in scoring.render(card, "table") and line in scoring.render(card, "markdown")
    assert json.loads(scoring.render(card, "json"))["data_completeness"]["status"] == "incomplete"
    no_drops = {c.id: c for c in card.axes["observability"].criteria}["obs.no_drops"]
    assert (no_drops.status, no_drops.value) == ("fail", 0.01)


def test_health_records_without_drops_say_complete(tmp_path: Path) -> None:
    home = tmp_path / ".harness"
    _lake.write_llm_calls(home)
    _health(home, t("2026-03-05T00:00:00"), t("2026-03-05T01:00:00"), 1000, {})
    card = scoring.scorecard(home, SCOPE)
    assert card.data_completeness.status == "complete" and card.data_completeness.dropped == 0
    assert not [w for w in card.warnings if w.startswith("data incomplete")]
    no_drops = {c.id: c for c in card.axes["observability"].criteria}["obs.no_drops"]
    assert (no_drops.status, no_drops.value) == ("pass", 0.0)


def test_no_health_records_is_unknown_not_complete(tmp_path: Path) -> None:
    home = tmp_path / ".harness"
    _lake.write_llm_calls(home)
    card = scoring.scorecard(home, SCOPE)
    assert card.data_completeness.status == "unknown" and card.data_completeness.written is None
    assert "data completeness unknown" in scoring.render(card, "table")


def test_health_records_read_as_the_dataset_reader_reads_them(tmp_path: Path) -> None:
    """The records are read file by file without pyarrow.dataset (whose import pulls in pandas: a fifth of a
    warm scorecard); a file lacking a column reads with nulls there, as read_table(schema=...) gives."""
    from instrumentation.lake import health_records

    home = tmp_path / ".harness"
    _health(home, t("2026-03-05T00:00:00"), t("2026-03-05T01:00:00"), 990, {"queue_full": 8})
    older = home / "lake" / "export_health" / "dt=2026-03-04" / "part-old.parquet"
    older.parent.mkdir(parents=True)
    pq.write_table(pa.table({"Timestamp": pa.array([t("2026-03-04T01:00:00")], HEALTH_SCHEMA.field(0).type)}), older)
    read, unreadable = health_records(home / "lake")
    files = sorted((home / "lake" / "export_health").glob("dt=*/part-*.parquet"))
    assert read.equals(pa.concat_tables(pq.read_table(path, schema=HEALTH_SCHEMA) for path in files))
    assert unreadable == []


def test_export_health_rows_are_one_per_record_and_cause(tmp_path: Path) -> None:
    """The engine copies the records into export_health in SQL; the rows are the ones the rule names."""
    from instrumentation.lake import health_records
    from scoring._engine import Engine

    home = tmp_path / ".harness"
    _lake.write_llm_calls(home)
    _health(home, t("2026-03-05T00:00:00"), t("2026-03-05T01:00:00"), 990, {"queue_full": 8, "write_failed": 2})
    _health(home, t("2026-03-05T01:00:00"), t("2026-03-05T02:00:00"), 50, {})
    _health(home, t("2026-03-06T00:00:00"), t("2026-03-06T01:00:00"), 7, {"shutdown": 1})
    records, _ = health_records(home / "lake")  # the fixture's own writer adds a record (nanosecond times)
    expected = sorted(
        (r["WriterId"], index, r["Exporter"], r["Written"], cause, n, r["Timestamp"], r["IntervalStart"])
        for r in records.cast(_micro(records.schema), safe=False).to_pylist()
        for index, (cause, n) in enumerate(r["DroppedByCause"] or [(None, 0)])
    )
    engine = Engine(home / "lake")
    try:
        rows = engine.conn.execute(
            "SELECT writer_id, cause_index, exporter, written, cause, spans, recorded_at, interval_start"
            " FROM export_health ORDER BY ALL"
        ).fetchall()
    finally:
        engine.close()
    assert [row[:6] for row in rows] == [row[:6] for row in expected] and len(rows) == 5
    for row, want in zip(rows, expected, strict=True):  # TIMESTAMP holds microseconds
        assert all(abs(got - w.replace(tzinfo=None)).total_seconds() <= 1e-6
                   for got, w in zip(row[6:], want[6:], strict=True))  # fmt: skip


def _micro(schema: pa.Schema) -> pa.Schema:
    return pa.schema(
        [pa.field(f.name, pa.timestamp("us", tz="UTC")) if pa.types.is_timestamp(f.type) else f for f in schema]
    )


def test_an_old_or_broken_health_file_does_not_hide_the_other_records(tmp_path: Path) -> None:
    """DuckDB reads the records in one go; a file it cannot read that way (one that is not Parquet, one
    written before a column existed) sends the engine to the file-by-file read, which keeps the rest and
    names the broken file."""
    from scoring._engine import Engine

    home = tmp_path / ".harness"
    _lake.write_llm_calls(home)
    _health(home, t("2026-03-05T00:00:00"), t("2026-03-05T01:00:00"), 990, {"queue_full": 8})
    older = home / "lake" / "export_health" / "dt=2026-03-04" / "part-old.parquet"
    older.parent.mkdir(parents=True)
    pq.write_table(pa.table({"Timestamp": pa.array([t("2026-03-04T01:00:00")], HEALTH_SCHEMA.field(0).type)}), older)
    broken = home / "lake" / "export_health" / "dt=2026-03-04" / "part-broken.parquet"
    broken.write_bytes(b"not parquet")
    engine = Engine(home / "lake")
    try:
        rows = engine.conn.execute("SELECT writer_id, written, cause, spans FROM export_health").fetchall()
        unreadable = engine.health_unreadable
    finally:
        engine.close()
    assert ("w0", 990, "queue_full", 8) in rows and (None, None, None, 0) in rows
    assert unreadable == [str(broken)]
    card = scoring.scorecard(home, SCOPE)
    assert card.data_completeness.status == "incomplete"
    assert card.data_completeness.unreadable == [str(broken)]


def test_a_warm_scorecard_imports_no_pyarrow(tmp_path: Path) -> None:
    """Once the database is current, a scorecard lists the lake, reads its health records through DuckDB
    and runs SQL: pyarrow (0.2 s to import on 2 cores) is for loading segments and for a health file DuckDB
    cannot read."""
    import subprocess
    import sys

    home = tmp_path / ".harness"
    _lake.write_llm_calls(home)
    _health(home, t("2026-03-05T00:00:00"), t("2026-03-05T01:00:00"), 990, {"queue_full": 8})
    scoring.scorecard(home, SCOPE)  # loads the lake
    probe = (
        "import sys, scoring; from tests.scoring._lake import SCOPE;"
        f" card = scoring.scorecard({str(home)!r}, SCOPE);"
        " print(card.data_completeness.status, [m for m in ('pyarrow', 'pandas') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.split("\n")[-2] == "incomplete []"
