"""Attribute blobs (serialized ``KeyValue``) into a ``map<string, string>`` column, each distinct blob decoded once.

A batch's spans repeat the same attributes (the operation, the model, the provider, the price
source), so the column is built from the batch's distinct blobs: each is looked up in a cache, or
decoded (all the misses in one protobuf parse) into its key and ``value_string``; the column is
then those keys and values taken by index, in C. A key sent twice in one span keeps its first place
and its last value, as SDK attributes and DuckDB's maps need.

A blob is decoded alone, so it is held to the nesting depth it had inside the request: a blob the
whole request's parse would refuse raises ``BlobError``, and the caller refuses the body with the
parser's own message.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import accumulate, chain, pairwise
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from google.protobuf.message import DecodeError
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue, KeyValueList

from harness.collect._lazy import BLOB_LIST, MAX_DEPTH
from harness.collect._values import value_string

_CACHE_LIMIT = 1 << 15
_SAFE_LEVELS = MAX_DEPTH - 5  # a blob this shallow decodes at any depth an attribute sits: cacheable
_decoded: dict[bytes, tuple[str, str]] = {}
_COMPOSITE = ("array_value", "kvlist_value")


def clear_cache() -> None:
    """Forget every decoded blob (benchmarks measure the cold path with it)."""
    _decoded.clear()


class BlobError(Exception):
    """An attribute the request's own parse would have refused: malformed, or nested too deep."""


def attribute_maps(holders: Sequence[Sequence[bytes]], depth: int) -> pa.MapArray:
    """One map per holder (a span, event or link's ``attributes``); ``depth``: the messages above each blob."""
    offsets = pa.array([0, *accumulate(map(len, holders))], pa.int32())
    encoded = pa.array(list(chain.from_iterable(holders)), pa.binary()).dictionary_encode()
    keys, values = _pairs(encoded.dictionary.to_pylist(), depth)
    positions = encoded.indices
    if _repeats_a_key(offsets, positions, keys):
        return _merged(offsets, keys.take(positions).to_pylist(), values.take(positions).to_pylist())
    return pa.MapArray.from_arrays(offsets, keys.take(positions), values.take(positions))


def _repeats_a_key(offsets: pa.Array, positions: pa.Array, keys: pa.Array) -> bool:
    """Whether some holder has a key twice: two equal (holder, key) pairs."""
    if len(positions) < 2:
        return False
    key_ids = keys.dictionary_encode().indices.take(positions).cast(pa.int64())
    holders = pa.ListArray.from_arrays(offsets, positions).value_parent_indices()
    pairs = pc.add(pc.multiply(holders, len(keys)), key_ids)
    ordered = pairs.take(pc.array_sort_indices(pairs))  # sorting is faster than hashing here
    return bool(pc.any(pc.equal(ordered[1:], ordered[:-1])).as_py())


def _merged(offsets: pa.Array, keys: list[str], values: list[str]) -> pa.MapArray:
    """The slow path for the rare holder that repeats a key: first place, last value."""
    bounds = offsets.to_pylist()
    out_offsets, out_keys, out_values = [0], list[str](), list[str]()
    for start, end in pairwise(bounds):
        merged = dict(zip(keys[start:end], values[start:end], strict=True))
        out_keys += merged
        out_values += merged.values()
        out_offsets.append(len(out_keys))
    return pa.MapArray.from_arrays(
        pa.array(out_offsets, pa.int32()), pa.array(out_keys, pa.string()), pa.array(out_values, pa.string())
    )


def _pairs(distinct: list[bytes], depth: int) -> tuple[pa.Array, pa.Array]:
    """The key and the value string of each distinct blob, from the cache or decoded (the misses in one parse)."""
    found: list[Any] = list(map(_decoded.get, distinct))
    if None in found:
        missing = [blob for blob, pair in zip(distinct, found, strict=True) if pair is None]
        decoded = iter(_decode(missing, depth))
        found = [pair if pair is not None else next(decoded) for pair in found]
    keys, values = zip(*found, strict=True) if found else ((), ())
    return pa.array(keys, pa.string()), pa.array(values, pa.string())


def _decode(blobs: list[bytes], depth: int) -> list[tuple[str, str]]:
    """Each blob's key and value string, field by field over all of them; cached unless nested deep."""
    try:
        kvs: Sequence[KeyValue] = KeyValueList.FromString(BLOB_LIST(values=blobs).SerializeToString()).values
    except DecodeError:  # one is malformed, or one level too deep inside the list: find which, alone
        kvs = [_one(blob) for blob in blobs]
    values = [kv.value for kv in kvs]
    kinds = [value.WhichOneof("value") for value in values]
    strings = [
        value.string_value if kind == "string_value" else value_string(value, kind)
        for value, kind in zip(values, kinds, strict=True)
    ]
    pairs = list(zip([kv.key for kv in kvs], strings, strict=True))
    cacheable = list(zip(blobs, pairs, strict=True))
    if "array_value" in kinds or "kvlist_value" in kinds:
        cacheable = [
            entry for entry, value, kind in zip(cacheable, values, kinds, strict=True) if _shallow(value, kind, depth)
        ]
    if len(_decoded) + len(blobs) > _CACHE_LIMIT:
        _decoded.clear()
    _decoded.update(cacheable)
    return pairs


def _shallow(value: AnyValue, kind: str | None, depth: int) -> bool:
    """Whether the blob holding ``value`` may be cached: it decodes the same at any depth an attribute sits at.

    Raises ``BlobError`` when the value is nested past the parser's limit at ``depth``.
    """
    if kind not in _COMPOSITE:
        return True
    levels = 1 + _levels(value)
    if depth + levels > MAX_DEPTH:
        raise BlobError(f"an attribute nested {levels} messages deep, past the parser's limit")
    return levels <= _SAFE_LEVELS


def _one(blob: bytes) -> KeyValue:
    try:
        kv: KeyValue = KeyValue.FromString(blob)
    except DecodeError as exc:
        raise BlobError(str(exc)) from exc
    return kv


def _levels(value: AnyValue) -> int:
    """How many messages deep the value is, itself included, as upb counts towards its depth limit."""
    kind = value.WhichOneof("value")
    if kind == "array_value":
        return 2 + max((_levels(item) for item in value.array_value.values), default=0)
    if kind == "kvlist_value":
        return 2 + max(
            (1 + (_levels(kv.value) if kv.HasField("value") else 0) for kv in value.kvlist_value.values), default=0
        )
    return 1
