"""The lake's Arrow memory: every array the writer builds, and its Parquet encoding, come from ``POOL``.

That is the system allocator, which gives freed memory back. Arrow's default (mimalloc) keeps a heap
per thread, and the writer allocates on two (conversion, encoding): over the 1M-span soak of
``benchmarks/lake.py`` that held about 30 MB more resident for the same work. The application's own
Arrow use keeps the default pool.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

POOL = pa.system_memory_pool()


def to_arrow(values: list[Any], kind: pa.DataType) -> pa.Array:
    return pa.array(values, kind, memory_pool=POOL)


def take(column: pa.Array, indices: pa.Array) -> pa.Array:
    return pc.take(column, indices, memory_pool=POOL)
