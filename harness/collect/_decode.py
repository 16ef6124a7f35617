"""A request body into a lake ``Batch``: decompress within the limit, parse, convert; every failure a 4xx."""

from __future__ import annotations

import pyarrow as pa

from harness.collect._attributes import BlobError
from harness.collect._body import Encoding, decompress, parse, refuse_protobuf
from harness.collect._columns import Batch, to_batch
from harness.collect._days import DayOf
from harness.collect._errors import bad_body


def decode_body(body: bytes, coding: str, encoding: Encoding, limit: int, day_of: DayOf | None = None) -> Batch:
    data = decompress(body, coding, limit)
    request = parse(data, encoding)
    try:
        return to_batch(request, day_of)
    except BlobError as exc:
        raise refuse_protobuf(data, exc) from exc  # JSON never nests deeper than protobuf may
    except (pa.ArrowException, ValueError, OverflowError, RecursionError) as exc:
        raise bad_body(f"the spans cannot be stored: {exc}") from exc
