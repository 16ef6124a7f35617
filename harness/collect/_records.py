"""The records of a file the Collector's file exporter wrote, whatever its format and compression.

The exporter writes (``exporter/fileexporter`` of opentelemetry-collector-contrib):

- ``format: json`` without compression: one OTLP/JSON ``TracesData`` per line;
- ``compression: zstd`` (the default, legacy framing) or ``format: proto``: each message preceded
  by its length as a 4-byte big-endian integer, each message its own zstd frame when compressed;
- with the native-compression feature gate: a zstd stream of JSON lines (or of framed protobuf).

A whole-file gzip (a user's ``gzip data.json``) is read like the zstd stream. The first bytes
decide: gzip or zstd magic, then ``{`` for JSON lines, else length-prefixed frames. Each record
comes with where it is (line N or record N) for error messages.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal

import pyarrow as pa

_GZIP = b"\x1f\x8b"
_ZSTD = b"\x28\xb5\x2f\xfd"
_BOM = b"\xef\xbb\xbf"  # UTF-8's byte order mark, which some editors and shippers start a text file with
_MAX_RECORD = 1 << 30

Kind = Literal["json", "protobuf"]


class RecordError(Exception):
    """A record that cannot be read; ``where`` is ``line N`` or ``record N``."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


@dataclass(frozen=True, slots=True)
class Record:
    where: str
    kind: Kind
    payload: bytes


def read_records(path: Path) -> Iterator[Record]:
    """Every record of the file in order; a ``RecordError`` where the framing itself is broken."""
    with path.open("rb") as raw:
        head = raw.read(4)
    if head.startswith(_GZIP):
        stream: BinaryIO = io.BufferedReader(pa.input_stream(str(path), compression="gzip"))  # type: ignore[arg-type]
    elif head.startswith(_ZSTD):
        stream = io.BufferedReader(pa.input_stream(str(path), compression="zstd"))  # type: ignore[arg-type]
    else:
        stream = path.open("rb")
    with stream:
        try:
            yield from _records(stream)
        except (OSError, pa.ArrowException) as exc:  # a truncated or corrupt compressed stream
            raise RecordError("end of file", f"cannot decompress: {exc}") from exc


def _records(stream: BinaryIO) -> Iterator[Record]:
    first = _peek(stream).removeprefix(_BOM)
    if first.lstrip()[:1] in (b"{", b""):
        yield from _lines(stream)
    else:
        yield from _frames(stream)


def _peek(stream: BinaryIO) -> bytes:
    if isinstance(stream, io.BufferedReader):
        return stream.peek(64)[:64]
    position = stream.tell()
    head = stream.read(64)
    stream.seek(position)
    return head


def _lines(stream: BinaryIO) -> Iterator[Record]:
    for number, line in enumerate(stream, start=1):
        payload = (line.removeprefix(_BOM) if number == 1 else line).strip()
        if payload:
            yield Record(f"line {number}", "json", payload)


def _frames(stream: BinaryIO) -> Iterator[Record]:
    number = 0
    while head := stream.read(4):
        number += 1
        where = f"record {number}"
        if len(head) < 4:
            raise RecordError(where, "truncated length prefix")
        size = int.from_bytes(head, "big")
        if size > _MAX_RECORD:
            raise RecordError(
                where,
                f"length prefix {size} is not plausible: neither JSON lines (one OTLP/JSON document a line) nor "
                "length-prefixed records, as the Collector's file exporter writes",
            )
        payload = stream.read(size)
        if len(payload) < size:
            raise RecordError(where, f"truncated: {len(payload)} of {size} bytes")
        if payload.startswith(_ZSTD):
            payload = _unzstd(payload, where)
        kind: Kind = "json" if payload.lstrip()[:1] == b"{" else "protobuf"
        yield Record(where, kind, payload)


def _unzstd(payload: bytes, where: str) -> bytes:
    try:
        data: bytes = pa.input_stream(pa.BufferReader(payload), compression="zstd").read()
    except (OSError, pa.ArrowException) as exc:
        raise RecordError(where, f"not a zstd frame: {exc}") from exc
    return data
