"""``harness lake import``: Collector file-exporter output into the lake, idempotently, bad lines named."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from backports import zstd
from opentelemetry.exporter.otlp.json.common.trace_encoder import encode_spans as encode_json
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.sdk.trace.export import SpanExportResult

from harness.cli import main
from harness.collect import LEDGER, import_files
from instrumentation.lake import LakeSpanExporter
from tests.harness.otlp_spans import assert_same_rows, make_spans, read_lake, sdk_spans_by_id, span_ids


def _json_lines(batches: int, per_batch: int = 5, first_id: int = 1) -> list[bytes]:
    """One OTLP/JSON TracesData per line, as the file exporter's ``format: json`` writes it."""
    return [
        json.dumps(encode_json(make_spans(per_batch, first_id=first_id + k * 100)).to_dict()).encode()
        for k in range(batches)
    ]


def _framed(payloads: list[bytes], *, compress: bool) -> bytes:
    """The exporter's length-prefixed framing (``format: proto``, or ``compression: zstd``): 4-byte big-endian."""
    out = b""
    for payload in payloads:
        data = zstd.compress(payload) if compress else payload
        out += len(data).to_bytes(4, "big") + data
    return out


def _write(path: Path, lines: list[bytes]) -> Path:
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def test_imported_spans_equal_what_the_lake_exporter_writes(tmp_path: Path) -> None:
    spans = make_spans(6)
    exporter = LakeSpanExporter(tmp_path / "expected")
    assert exporter.export(spans) is SpanExportResult.SUCCESS
    exporter.shutdown()
    source = _write(tmp_path / "traces.json", [json.dumps(encode_json(spans).to_dict()).encode()])
    (result,) = import_files(tmp_path / "lake", [source])
    assert (result.spans, result.error) == (6, None)
    assert_same_rows(read_lake(tmp_path / "lake"), read_lake(tmp_path / "expected"))


def test_importing_twice_adds_nothing_and_a_grown_file_adds_its_new_lines(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    lines = _json_lines(4)
    source = _write(tmp_path / "traces.json", lines[:3])
    assert import_files(lake, [source])[0].spans == 15
    segments = sorted((lake / "otel_traces").rglob("*.parquet"))
    again = import_files(lake, [source])[0]
    assert (again.spans, again.skipped) == (0, 3)
    assert sorted((lake / "otel_traces").rglob("*.parquet")) == segments
    _write(source, lines)  # the Collector appended a line
    grown = import_files(lake, [source])[0]
    assert (grown.spans, grown.skipped) == (5, 3)
    ids = span_ids(lake)
    assert len(ids) == 20 == len(set(ids))


@pytest.mark.parametrize("form", ["gzip", "zstd stream", "zstd frames", "proto frames", "proto zstd frames"])
def test_every_form_the_file_exporter_writes_is_read(form: str, tmp_path: Path) -> None:
    spans = [make_spans(3, first_id=1 + k * 100) for k in range(3)]
    lines = [json.dumps(encode_json(batch).to_dict()).encode() for batch in spans]
    protos = [bytes(encode_spans(batch).SerializeToString()) for batch in spans]
    data = {
        "gzip": gzip.compress(b"\n".join(lines) + b"\n"),
        "zstd stream": zstd.compress(lines[0] + b"\n") + zstd.compress(b"\n".join(lines[1:]) + b"\n"),
        "zstd frames": _framed(lines, compress=True),
        "proto frames": _framed(protos, compress=False),
        "proto zstd frames": _framed(protos, compress=True),
    }[form]
    source = tmp_path / "traces.bin"
    source.write_bytes(data)
    (result,) = import_files(tmp_path / "lake", [source])
    assert (result.spans, result.error) == (9, None)
    assert sorted(span_ids(tmp_path / "lake")) == sorted(id for batch in spans for id in sdk_spans_by_id(batch))


def test_the_same_content_compressed_or_renamed_is_not_imported_again(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    lines = _json_lines(3)
    plain = _write(tmp_path / "traces.json", lines)
    rotated = tmp_path / "traces-2026-11-30T05-02-14.173.json.gz"
    rotated.write_bytes(gzip.compress(plain.read_bytes()))
    first, second = import_files(lake, [plain, rotated])
    assert (first.spans, second.spans, second.skipped) == (15, 0, 3)


@pytest.mark.parametrize("copy", ["earlier, shorter", "later, overlapping", "reordered"])
def test_records_imported_before_are_not_imported_again_from_any_other_file(copy: str, tmp_path: Path) -> None:
    """Every record the ledger has seen is skipped wherever it stands in a file: a backup taken before the live
    file grew (before: imported whole again, its spans counted twice and their cost doubled), a copy that shares
    some records with what was imported and adds others, the same records in another order."""
    lake = tmp_path / "lake"
    lines = _json_lines(5)
    first = _write(tmp_path / "traces.json", lines[:3])
    assert import_files(lake, [first])[0].spans == 15
    other, new = {
        "earlier, shorter": (lines[:2], 0),
        "later, overlapping": (lines[1:5], 2),
        "reordered": ([lines[2], lines[0], lines[1]], 0),
    }[copy]
    result = import_files(lake, [_write(tmp_path / "copy.json", other)])[0]
    assert (result.spans, result.skipped, result.error) == (5 * new, len(other) - new, None)
    ids = span_ids(lake)
    assert len(ids) == len(set(ids)) == 15 + 5 * new
    again = import_files(lake, [first, tmp_path / "copy.json"])
    assert [r.spans for r in again] == [0, 0]


def test_a_bad_line_names_file_and_line_and_keeps_what_came_before(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    lines = _json_lines(4)
    source = _write(tmp_path / "traces.json", [lines[0], lines[1], b'{"resourceSpans": [', lines[2], lines[3]])
    (result,) = import_files(lake, [source])
    assert result.error is not None and result.error.startswith(f"{source}: line 3: not JSON")
    assert result.spans == 10 and len(span_ids(lake)) == 10
    _write(source, lines)  # the line fixed: the import resumes exactly there
    fixed = import_files(lake, [source])[0]
    assert (fixed.spans, fixed.skipped, fixed.error) == (10, 2, None)
    ids = span_ids(lake)
    assert len(ids) == 20 == len(set(ids))


def test_a_crash_before_the_checkpoint_does_not_duplicate(tmp_path: Path) -> None:
    """Segments are written before their checkpoint; a rerun rewrites the same names with the same bytes."""
    lake = tmp_path / "lake"
    source = _write(tmp_path / "traces.json", _json_lines(6))
    import_files(lake, [source], chunk_spans=10)
    ledger = lake / LEDGER
    checkpoints = ledger.read_text().splitlines()
    assert len(checkpoints) == 3
    ledger.write_text(checkpoints[0] + "\n" + checkpoints[1][:20])  # lost the last two, the second torn
    rerun = import_files(lake, [source], chunk_spans=10)[0]
    assert (rerun.spans, rerun.skipped) == (20, 2)
    ids = span_ids(lake)
    assert len(ids) == 30 == len(set(ids))


def test_other_signals_missing_files_and_folders(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    _write(folder / "a.json", _json_lines(1))
    _write(folder / "b.json", _json_lines(1, first_id=5000))
    metrics = _write(tmp_path / "metrics.json", [b'{"resourceMetrics": [{"scopeMetrics": []}]}'])
    log = _write(tmp_path / "app.json", [b'{"foo": 1}'])  # an application's JSON-lines log: before, 0 spans, rc 0
    results = import_files(tmp_path / "lake", [folder, metrics, tmp_path / "missing.json", log])
    assert [r.spans for r in results] == [5, 5, 0, 0, 0]
    assert results[2].error == f"{metrics}: line 1: holds metrics, logs or profiles, not traces: import the traces file"
    assert results[3].error is not None and "No such file" in results[3].error
    assert results[4].error == f"{log}: line 1: holds no resourceSpans: not an OTLP traces line"
    assert import_files(tmp_path / "lake", [log])[0].error == results[4].error  # not taken into the ledger either


def test_a_json_lines_file_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    """Windows editors and some shippers start a UTF-8 file with a BOM: before, `length prefix 4022058875 is not
    plausible`, as if the file were framed protobuf."""
    source = tmp_path / "traces.json"
    source.write_bytes(b"\xef\xbb\xbf" + b"\n".join(_json_lines(2)) + b"\n")
    (result,) = import_files(tmp_path / "lake", [source])
    assert (result.spans, result.error) == (10, None)


def test_lake_import_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "home"
    source = _write(tmp_path / "traces.json", [*_json_lines(2), b"not json"])
    assert main(["lake", "import", str(source), "--home", str(home)]) == 3
    captured = capsys.readouterr()
    assert f"{source}: 10 spans imported from 2 records" in captured.out
    assert f"{source}: line 3: not JSON" in captured.err and "import again" in captured.err
    assert main(["lake", "import", str(tmp_path / "missing.json"), "--home", str(home)]) == 3
    missing = capsys.readouterr()
    assert missing.out == "" and "missing.json: No such file or directory" in missing.err
    assert "import again" not in missing.err
    source.write_bytes(b"\n".join(_json_lines(2)) + b"\n")
    assert main(["lake", "import", str(source), "--home", str(home)]) == 0
    assert "0 spans imported from 0 records (2 imported before)" in capsys.readouterr().out


_COLLECTOR_LINE = {  # the shape the Collector's ptrace.JSONMarshaler writes, with the spec example's upper-case ids
    "resourceSpans": [
        {
            "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "checkout"}}]},
            "scopeSpans": [
                {
                    "scope": {"name": "io.opentelemetry.okhttp", "version": "2.1"},
                    "spans": [
                        {
                            "traceId": "5B8EFFF798038103D269B633813FC60C",
                            "spanId": "EEE19B7EC3C1B174",
                            "parentSpanId": "EEE19B7EC3C1B173",
                            "traceState": "rojo=00f067aa0ba902b7",
                            "flags": 256,
                            "name": "chat gpt-4o",
                            "kind": 3,
                            "startTimeUnixNano": "1544712660000000000",
                            "endTimeUnixNano": 1544712661000000000,
                            "attributes": [
                                {"key": "gen_ai.usage.input_tokens", "value": {"intValue": "1200"}},
                                {"key": "gen_ai.request.temperature", "value": {"doubleValue": 0.2}},
                                {"key": "gen_ai.request.stream", "value": {"boolValue": False}},
                                {"key": "tags", "value": {"arrayValue": {"values": [{"stringValue": "a"}]}}},
                            ],
                            "droppedAttributesCount": 1,
                            "events": [{"timeUnixNano": "1544712660500000000", "name": "retry", "attributes": []}],
                            "links": [{"traceId": "0102030405060708090a0b0c0d0e0f10", "spanId": "0102030405060708"}],
                            "status": {"code": 2, "message": "upstream 500"},
                        }
                    ],
                }
            ],
            "schemaUrl": "https://opentelemetry.io/schemas/1.26.0",
        }
    ]
}


def test_a_collector_json_line_becomes_the_row_it_describes(tmp_path: Path) -> None:
    source = _write(tmp_path / "traces.json", [json.dumps(_COLLECTOR_LINE).encode()])
    assert import_files(tmp_path / "lake", [source])[0].spans == 1
    (row,) = read_lake(tmp_path / "lake").to_pylist()
    assert row["dt"] == "dt=2018-12-13"
    assert (row["TraceId"], row["SpanId"], row["ParentSpanId"]) == (
        "5b8efff798038103d269b633813fc60c",
        "eee19b7ec3c1b174",
        "eee19b7ec3c1b173",
    )
    assert (row["SpanName"], row["SpanKind"], row["ServiceName"]) == ("chat gpt-4o", "Client", "checkout")
    assert (row["ScopeName"], row["ScopeVersion"], row["TraceState"]) == (
        "io.opentelemetry.okhttp",
        "2.1",
        "rojo=00f067aa0ba902b7",
    )
    assert row["SpanAttributes"] == [
        ("gen_ai.usage.input_tokens", "1200"),
        ("gen_ai.request.temperature", "0.2"),
        ("gen_ai.request.stream", "false"),
        ("tags", '["a"]'),
    ]
    assert row["Duration"] == 1_000_000_000
    assert (row["StatusCode"], row["StatusMessage"]) == ("Error", "upstream 500")
    assert [e["Name"] for e in row["Events"]] == ["retry"]
    assert row["Links"] == [
        {
            "TraceId": "0102030405060708090a0b0c0d0e0f10",
            "SpanId": "0102030405060708",
            "TraceState": "",
            "Attributes": [],
        }
    ]


def test_a_pretty_printed_document_is_refused_with_what_a_line_must_hold(tmp_path: Path) -> None:
    """The proto repository's examples are indented JSON; the file exporter writes one document a line."""
    source = tmp_path / "example.json"
    source.write_text(json.dumps(json.loads(_json_lines(1)[0]), indent=2))
    (result,) = import_files(tmp_path / "lake", [source])
    assert result.error is not None and result.error.startswith(f"{source}: line 1: not JSON")
    assert result.error.endswith("(each line is one whole OTLP/JSON document, as the file exporter writes them)")
