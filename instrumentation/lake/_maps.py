"""Attribute mappings to one ``map<string, string>`` Arrow column, a column of values at a time.

Spans of one kind carry the same keys in the same order (a chat span's ``gen_ai.*`` set), so the
mappings are grouped by their key tuple (their shape). In a group of ``n`` mappings with ``k`` keys
the flattened values are row-major, and the values of one key are the slice ``values[j::k]``: each
such column is checked for its types once (``set(map(type, ...))``) and spelled in one ``map`` when
it is not all strings, instead of a type test per value. The keys are written once per group and
repeated by index (``take``), not converted from a Python string per row. Groups too small to be
worth it, and mappings of shapes seen once, go through the same per-value spelling together. When
grouping reordered the rows, one ``take`` on the finished column puts them back.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from itertools import accumulate, chain, compress, count, repeat
from operator import is_, is_not, methodcaller
from typing import Any

import pyarrow as pa

from instrumentation.lake._arrow import POOL, take, to_arrow
from instrumentation.lake._schema import attr_string

MIN_GROUP = 4  # fewer mappings of one shape than this are spelled value by value with the loose ones
_STR = pa.string()
_NUMBERS = frozenset((int, float))
_values = methodcaller("values")


def map_array(mappings: list[Any]) -> pa.Array:
    """One map per mapping (in order), values as ``attr_string`` spells them."""
    order, groups, loose = _grouped(mappings)
    dictionary: list[str] = []
    key_index = array("i")
    values: list[Any] = []
    for shape, members in groups:
        key_index.extend(array("i", range(len(dictionary), len(dictionary) + len(shape))) * len(members))
        dictionary.extend(shape)
        values.extend(_spelled_by_column(members, len(shape)))
    if loose:
        keys = list(chain.from_iterable(loose))
        key_index.extend(range(len(dictionary), len(dictionary) + len(keys)))
        dictionary.extend(keys)
        values.extend(spelled(list(chain.from_iterable(map(_values, loose)))))
    ordered = mappings if order is None else [mappings[row] for row in order]
    offsets = to_arrow(list(accumulate(map(len, ordered), initial=0)), pa.int32())
    indices = pa.Array.from_buffers(pa.int32(), len(key_index), [None, pa.py_buffer(key_index)])
    keys_column = take(to_arrow(dictionary, _STR), indices)
    column = pa.MapArray.from_arrays(offsets, keys_column, to_arrow(values, _STR), pool=POOL)
    if order is None:
        return column
    return take(column, to_arrow(sorted(range(len(order)), key=order.__getitem__), pa.int32()))


def _grouped(mappings: list[Any]) -> tuple[list[int] | None, list[tuple[tuple[str, ...], list[Any]]], list[Any]]:
    """The row order the column is built in (None: as given), the groups of one shape, the loose mappings."""
    shapes = list(map(tuple, mappings))
    distinct = dict.fromkeys(shapes)
    if len(distinct) == 1:
        shape = shapes[0] if shapes else ()
        if len(mappings) >= MIN_GROUP and shape:
            return None, [(shape, mappings)], []
        return None, [], mappings
    rows: dict[tuple[str, ...], list[int]] = {}
    for row, shape in enumerate(shapes):
        rows.setdefault(shape, []).append(row)
    order: list[int] = []
    groups = []
    loose_rows: list[int] = []
    for shape, members in rows.items():
        if len(members) >= MIN_GROUP and shape:
            order.extend(members)
            groups.append((shape, [mappings[row] for row in members]))
        else:
            loose_rows.extend(members)
    order.extend(loose_rows)
    return order, groups, [mappings[row] for row in loose_rows]


def _spelled_by_column(members: list[Any], width: int) -> list[Any]:
    """The members' values row-major, each key's column spelled as a whole."""
    values = list(chain.from_iterable(map(_values, members)))
    for j in range(width):
        column = values[j::width]
        fixed = spelled(column)
        if fixed is not column:
            values[j::width] = fixed
    return values


def spelled(values: list[Any]) -> list[Any]:
    """The values as ``attr_string`` spells them: the list itself when all are strings already."""
    kinds = set(map(type, values))
    if kinds <= {str}:
        return values
    if kinds <= _NUMBERS:
        return _numbers(values, kinds)
    if kinds == {tuple} and _all_strings(chain.from_iterable(values)):
        return _string_arrays(values)
    values = list(values)
    for position in compress(count(), map(is_not, map(type, values), repeat(str))):
        value = values[position]
        values[position] = _array_string(value) if type(value) is tuple else attr_string(value)
    return values


def _numbers(values: list[Any], kinds: set[type]) -> list[str]:
    """Ints and floats as ``repr`` spells them; a column of a few distinct values of one type (prices, token
    counts) spells each once. Not across types, nor with a zero in floats: ``1 == 1.0`` and ``-0.0 == 0.0``."""
    if len(kinds) == 1:
        distinct = dict.fromkeys(values)
        if len(distinct) * 4 <= len(values) and (kinds == {int} or 0.0 not in distinct):
            spellings = dict(zip(distinct, map(repr, distinct), strict=True))
            return list(map(spellings.__getitem__, values))
    return list(map(repr, values))


_ARRAY_STRINGS: dict[tuple[str, ...], str] = {}


def _array_string(value: tuple[Any, ...]) -> str:
    """An array attribute as JSON; arrays of strings remembered, as the same few (finish reasons ...) recur on
    every span. Only those: ``(1,) == (True,) == (1.0,)`` are one dictionary key but three spellings."""
    if not _all_strings(value):
        return attr_string(value)
    cached = _ARRAY_STRINGS.get(value)
    if cached is None:
        if len(_ARRAY_STRINGS) >= 4096:
            _ARRAY_STRINGS.clear()
        cached = _ARRAY_STRINGS[value] = attr_string(value)
    return cached


def _string_arrays(values: list[tuple[str, ...]]) -> list[str]:
    """Arrays of strings as JSON, looked up in one ``map`` and spelled only where not yet remembered."""
    if len(_ARRAY_STRINGS) >= 4096:
        _ARRAY_STRINGS.clear()
    spelled: list[Any] = list(map(_ARRAY_STRINGS.get, values))
    for position in compress(count(), map(is_, spelled, repeat(None))):
        value = values[position]
        spelled[position] = _ARRAY_STRINGS[value] = attr_string(value)
    return spelled


def _all_strings(items: Iterable[Any]) -> bool:
    return set(map(type, items)) <= {str}
