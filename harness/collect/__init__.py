"""``harness collect``: an OTLP/HTTP receiver that writes what it receives into the lake; and ``lake import``.

Spans arrive as protobuf or JSON (gzip, deflate or zstd), are decoded with the ``opentelemetry-proto``
messages, and become ``otel_traces`` rows exactly as the lake exporter writes them.
"""

from harness.collect._app import Limits, Receiver
from harness.collect._columns import Batch, to_batch
from harness.collect._decode import decode_body
from harness.collect._errors import BodyError
from harness.collect._import import LEDGER, FileImport, import_files
from harness.collect._serve import ReceiverHandle, run_forever, serve, start

__all__ = [
    "LEDGER",
    "Batch",
    "BodyError",
    "FileImport",
    "Limits",
    "Receiver",
    "ReceiverHandle",
    "decode_body",
    "import_files",
    "run_forever",
    "serve",
    "start",
    "to_batch",
]
