"""``harness lake import``: the Collector file exporter's OTLP files into the lake, idempotently.

Idempotence comes from a ledger of content, not of file names: ``lake/imports.jsonl`` records,
at each checkpoint, how many records of a stream were imported, the SHA-256 of those records
(decompressed), and a digest of each record the checkpoint imported. Importing a file first hashes it
and resumes after the longest prefix the ledger knows, then skips every further record whose digest
the ledger holds, so importing it twice adds nothing; a file the Collector has since appended to
imports only its new lines; a rotated copy, the same content compressed, a backup taken before the
file grew, or a file sharing some records with one imported before adds only the records never
imported. (A segment name derived from the file's hash alone would not do: compaction merges
segments under new names, and a growing file changes its hash.) Checkpoints written before record
digests were kept (no ``digests``) still count by their prefix.

Segments get names derived from the checkpoint's digest, written whole (temporary name, then
rename) before the checkpoint is recorded: a crash between the two leaves segments that the rerun
overwrites with the same bytes under the same names. A bad record stops its file with an error
naming the file and the line; everything before it is imported and checkpointed, so after the line
is fixed the import resumes exactly there.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import pyarrow as pa

from harness.collect._columns import Batch
from harness.collect._days import DayOf
from harness.collect._decode import decode_body
from harness.collect._errors import BodyError
from harness.collect._records import Record, RecordError, read_records
from instrumentation.lake import SegmentWriter

LEDGER = "imports.jsonl"
_CHUNK_SPANS = 50_000
_NOT_TRACES = (b'"resourceMetrics"', b'"resourceLogs"', b'"resourceProfiles"')


@dataclass
class FileImport:
    """What importing one file did."""

    path: Path
    records: int = 0  # records read
    skipped: int = 0  # records an earlier import already brought in
    spans: int = 0  # spans written now
    rejected: Counter[str] = field(default_factory=Counter)
    error: str | None = None
    bad_record: bool = False  # the error is a record's: the records before it are imported


class _Ledger:
    """The checkpoints: (records, sha256) pairs, appended under an exclusive lock held for the whole run."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.checkpoints: dict[int, set[str]] = {}
        self.records: set[str] = set()  # the digest of every record imported (``_record_digest``)
        self._file: IO[str] | None = None

    def __enter__(self) -> _Ledger:
        self._file = self.path.open("a+", encoding="utf-8")
        fcntl.flock(self._file, fcntl.LOCK_EX)  # a second import waits for this one
        self._file.seek(0)
        for line in self._file:
            try:
                entry = json.loads(line)
                self.checkpoints.setdefault(int(entry["records"]), set()).add(str(entry["sha256"]))
                self.records.update(str(d) for d in entry.get("digests", ()))
            except (ValueError, KeyError, TypeError, AttributeError):
                continue  # a line torn by a crash: its checkpoint was never complete
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._file is not None
        self._file.close()  # releases the lock

    def add(self, records: int, digest: str, source: Path, spans: int, digests: list[str]) -> None:
        assert self._file is not None
        entry = {"records": records, "sha256": digest, "file": str(source), "spans": spans, "digests": digests}
        self._file.write(json.dumps({**entry, "at": datetime.now(UTC).isoformat()}) + "\n")
        self._file.flush()
        self.checkpoints.setdefault(records, set()).add(digest)
        self.records.update(digests)


def import_files(lake_dir: Path, paths: Sequence[Path], *, chunk_spans: int = _CHUNK_SPANS) -> list[FileImport]:
    """Import every file (a folder: the files in it, by name); one result per file, errors included."""
    lake_dir.mkdir(parents=True, exist_ok=True)
    writer = SegmentWriter(lake_dir)
    with _Ledger(lake_dir / LEDGER) as ledger:
        return [_import_file(ledger, writer, path, chunk_spans) for path in _expand(paths)]


def _expand(paths: Sequence[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
        else:
            yield path


def _import_file(ledger: _Ledger, writer: SegmentWriter, path: Path, chunk_spans: int) -> FileImport:
    result = FileImport(path)
    try:
        resume = _resume_point(ledger, path)
        _import_after(ledger, writer, path, resume, chunk_spans, result)
    except OSError as exc:
        result.error = f"{path}: {exc.strerror or exc}"
    return result


def _digest_step(digest: hashlib._Hash, record: Record) -> None:
    digest.update(record.payload)
    digest.update(b"\n")


def _record_digest(record: Record) -> str:
    """A record's own digest in the ledger: 128 bits of the SHA-256 of its (decompressed) payload."""
    return hashlib.sha256(record.payload).hexdigest()[:32]


def _resume_point(ledger: _Ledger, path: Path) -> int:
    """How many leading records of the file the ledger has seen imported (0 when none)."""
    if not ledger.checkpoints:
        return 0
    last = max(ledger.checkpoints)
    digest = hashlib.sha256()
    best = 0
    try:
        for count, record in enumerate(read_records(path), start=1):
            _digest_step(digest, record)
            if digest.hexdigest() in ledger.checkpoints.get(count, ()):
                best = count
            if count >= last:
                break
    except RecordError:
        pass  # the import pass reports it
    return best


class _Chunk:
    """Spans decoded since the last checkpoint, by day."""

    def __init__(self) -> None:
        self.tables: dict[str, list[pa.Table]] = {}
        self.rows = 0
        self.digests: list[str] = []  # of the records decoded into it

    def add(self, tables: dict[str, pa.Table], rows: int, digest: str) -> None:
        for day, table in tables.items():
            self.tables.setdefault(day, []).append(table)
        self.rows += rows
        self.digests.append(digest)


def _import_after(
    ledger: _Ledger, writer: SegmentWriter, path: Path, resume: int, chunk_spans: int, result: FileImport
) -> None:
    digest = hashlib.sha256()
    chunk = _Chunk()
    days = DayOf()
    count = resume
    skipped = 0
    seen: set[str] = set()  # the file's own records decoded so far (a line written twice is one record)
    records = read_records(path)
    try:
        for _, record in zip(range(resume), records, strict=False):  # imported before: hashed, not decoded
            _digest_step(digest, record)
        for record in records:
            own = _record_digest(record)
            if own in ledger.records or own in seen:
                skipped += 1  # imported before, from this file or another
            else:
                batch = _decode(record, days)
                chunk.add(batch.tables, batch.rows, own)
                result.rejected.update(batch.rejected)
                seen.add(own)
            _digest_step(digest, record)
            count += 1
            if chunk.rows >= chunk_spans:
                _commit(ledger, writer, path, chunk, count, digest.hexdigest(), result)
                chunk = _Chunk()
    except RecordError as exc:
        result.error, result.bad_record = f"{path}: {exc.where}: {exc.message}", True
    finally:
        result.records, result.skipped = count, resume + skipped
        if chunk.digests:
            _commit(ledger, writer, path, chunk, count, digest.hexdigest(), result)


def _decode(record: Record, days: DayOf) -> Batch:
    # a JSON line of another signal (a Collector writes one file per pipeline), or JSON but not OTLP at all (an
    # app's JSON-lines log): an error, not 0 spans
    spanless = record.kind == "json" and b'"resourceSpans"' not in record.payload
    if spanless and any(marker in record.payload for marker in _NOT_TRACES):
        raise RecordError(record.where, "holds metrics, logs or profiles, not traces: import the traces file")
    try:
        batch = decode_body(record.payload, "identity", record.kind, len(record.payload), days)
    except BodyError as exc:
        message = exc.message
        if record.kind == "json" and message.startswith("not JSON"):
            message += " (each line is one whole OTLP/JSON document, as the file exporter writes them)"
        raise RecordError(record.where, message) from exc
    if spanless:
        raise RecordError(record.where, "holds no resourceSpans: not an OTLP traces line")
    return batch


def _commit(
    ledger: _Ledger, writer: SegmentWriter, path: Path, chunk: _Chunk, records: int, digest: str, result: FileImport
) -> None:
    """Write the chunk's segments under names from the digest, then record the checkpoint."""
    for day, tables in sorted(chunk.tables.items()):
        name = "part-" + hashlib.sha256(f"{digest}:{day}".encode()).hexdigest()[:32] + ".parquet"
        writer.write_table(day, pa.concat_tables(tables), name=name)
    result.spans += chunk.rows
    ledger.add(records, digest, path, chunk.rows, chunk.digests)
