"""The DuckDB-dialect SQL of ``scoring/sql`` rendered for ClickHouse: sqlglot plus our own function map.

The ``.sql`` files are the one source of truth for every table, view, metric and criterion. sqlglot
parses them as DuckDB and writes ClickHouse; the rules below cover what it does not translate (or
translates into something ClickHouse rejects or computes differently), each an AST rewrite:

    getvariable('since')            (SELECT since FROM scope_vars)      the scope is a one-row table
    $segments, $name                {segments:Array(String)}            server-side bound parameters (a query's own
                                                                        typed from its values: _clickhouse)
    read_parquet(...)               harness_source                      the otel_traces rows (see _clickhouse)
    quantile_cont(x, p | [p, ...])  quantile(s)ExactInclusive(p)(x)     exactly DuckDB's interpolation
    bool_or / bool_and              max / min
    histogram(x)                    sumMap(map(x, toUInt64(1)))
    from_json(x, '["VARCHAR"]')     JSONExtract(x, 'Array(Nullable(String))')
    json_extract_string(x, '$[*].k') arrayMap over JSONExtractArrayRaw
    len / json_keys / split_part    length / JSONExtractKeys / splitByString
    list_sort(x)                    arraySort(x)
    to_days / to_microseconds       toIntervalDay / toIntervalMicrosecond
    hash(x)                         cityHash64(x)                       a key, never shown
    TRY_CAST(x AS T)                accurateCastOrNull(x, 'T'); '0x' || hex AS UBIGINT: unhex; a number T also
                                    from trimmed text without digit separators, an integer T from a real's
                                    text rounded half away and from 0x/0b digits
    TIMESTAMP / TIMESTAMPTZ         DateTime64(6, 'UTC')                (DuckDB: microseconds, naive UTC)
    range(a, b)                     range(a, b)                         the array function
    INSERT ... BY NAME              INSERT ... (the select's names)
    CREATE TABLE                    ... ENGINE = Memory
    UPDATE t SET ... WHERE          ALTER TABLE t UPDATE ... WHERE      (a mutation, run synchronously)
    UPDATE t SET ... FROM p WHERE   the same, reading p through joinGet on a Join-engine copy of p
    WITH c AS (...) read twice      WITH c AS MATERIALIZED (...)        computed once, as DuckDB does (``materialize``:
                                                                        a ClickHouse with enable_materialized_cte)

Two more, for speed, take what the engine knows: the mapping table's one row as constants in the loads
(``constants``), and ``materialize``.

A construct with no rule here and no ClickHouse equivalent fails where it runs (the parity test runs
every view and criterion on both engines), so the DuckDB SQL is kept to the portable subset instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import sqlglot
from sqlglot import exp

from scoring import _sql
from scoring.errors import DialectError

SOURCE = "harness_source"  # the normalised otel_traces rows the loads read instead of read_parquet(...)
SCOPE_VARS = "scope_vars"  # one row: since, until, env (what getvariable() reads in DuckDB)
PARAMETER_TYPES = {
    "segments": "Array(String)",
    "record_segments": "Array(String)",
    "feature_attribute": "Nullable(String)",
}
TIMESTAMP = "DateTime64(6, 'UTC')"
_JOIN_SUFFIX = "__join"


@dataclass(frozen=True, slots=True)
class Statement:
    """One ClickHouse statement, with the Join-engine copies it needs created first (an UPDATE ... FROM)."""

    sql: str
    joins: tuple[tuple[str, str, tuple[str, ...]], ...] = ()  # (join table, source table, key columns)


def _fn(name: str, *args: exp.Expr) -> exp.Anonymous:
    return exp.Anonymous(this=name, expressions=list(args))


def _parametric(name: str, params: list[exp.Expr], arg: exp.Expr) -> exp.Expr:
    """``name(params)(arg)``, ClickHouse's parametric aggregate syntax."""
    return exp.ParameterizedAgg(this=name, expressions=params, params=[arg])


def _quantile(node: exp.PercentileCont) -> exp.Expr:
    levels = node.expression
    if isinstance(levels, exp.Array):
        return _parametric("quantilesExactInclusive", list(levels.expressions), node.this)
    return _parametric("quantileExactInclusive", [levels], node.this)


def _type(sql: str) -> exp.DataType:
    return exp.DataType.build(sql, dialect="clickhouse")


def _datatype(node: exp.DataType) -> exp.Expr:
    kind = node.this
    if kind in (exp.DataType.Type.TIMESTAMP, exp.DataType.Type.TIMESTAMPTZ, exp.DataType.Type.TIMESTAMPNTZ):
        return _type(f"Nullable({TIMESTAMP})")
    if kind == exp.DataType.Type.USERDEFINED and node.sql() == _sql.SPAN_CLASS_TYPE:
        return _type("LowCardinality(Nullable(String))")
    return node


def _try_cast(node: exp.TryCast) -> exp.Expr:
    value, to = node.this, node.to
    if to.this == exp.DataType.Type.UBIGINT and isinstance(value, exp.DPipe) and value.this.name == "0x":
        digits = value.expression  # a hex id: 64 bits of it, as DuckDB's TRY_CAST('0x' || id AS UBIGINT)
        hexed = _fn(
            "reinterpretAsUInt64",
            _fn("reverse", _fn("unhex", _fn("leftPad", digits, exp.Literal.number(16), exp.Literal.string("0")))),
        )
        valid = _fn("match", digits, exp.Literal.string("^[0-9a-fA-F]{1,16}$"))
        return exp.If(this=valid, true=hexed, false=exp.Null())
    target = exp.Literal.string(_datatype(to).sql("clickhouse"))
    exact = _fn("accurateCastOrNull", value, target)
    if to.this not in exp.DataType.INTEGER_TYPES | exp.DataType.REAL_TYPES:
        return exact
    # DuckDB reads a number's text with its white space trimmed and single underscores between digits dropped
    # ('1_000'), and an integer from any number's text, halves rounded away from zero ('1000.0', '1e3', '2.5'), or
    # from hex or binary digits ('0x1f', '0b101'); ClickHouse's cast reads none of these, so text it refuses is
    # read again that way (``if`` evaluates its branch only for those rows: an absent value, the most common
    # refusal, is not one of them, since every function of the slower reading would run for it)
    raw = _fn("toString", value)
    text = _fn("replaceRegexpAll", raw, exp.Literal.string(r"^\s+|\s+$"), exp.Literal.string(""))
    for _ in range(2):  # a pass keeps every other underscore of '1_0_0': the second drops the rest
        text = _fn("replaceRegexpAll", text, exp.Literal.string(r"(\d)_(\d)"), exp.Literal.string(r"\1\2"))
    again = _fn("accurateCastOrNull", text, target)
    if to.this in exp.DataType.INTEGER_TYPES:
        real = _fn("accurateCastOrNull", text, exp.Literal.string("Nullable(Float64)"))
        rounded = exp.Mul(
            this=_fn("sign", real),
            expression=_fn("floor", exp.Add(this=_fn("abs", real), expression=exp.Literal.number(0.5))),
        )
        based = _fn("coalesce", _based(raw, "x", "0-9a-fA-F", "unhex", 16), _based(raw, "b", "01", "unbin", 64))
        again = _fn(
            "coalesce", again, _fn("accurateCastOrNull", rounded, target), _fn("accurateCastOrNull", based, target)
        )
    refused = exp.And(
        this=exp.Is(this=exact.copy(), expression=exp.Null()),
        expression=exp.Not(this=exp.Is(this=value.copy(), expression=exp.Null())),
    )
    return exp.If(this=refused, true=again, false=exact)


def _based(raw: exp.Expr, letter: str, digits: str, decode: str, width: int) -> exp.Expr:
    """DuckDB's integer text in another base: ``0x``/``0b``, digits with single underscores between them, no sign
    or white space, leading zeros of any length; as UInt64 when it fits in 64 bits, else null."""
    valid = _fn("match", raw, exp.Literal.string(f"^0[{letter}{letter.upper()}][{digits}]+(_[{digits}]+)*$"))
    body = _fn(
        "replaceRegexpAll",
        _fn("substring", raw, exp.Literal.number(3)),
        exp.Literal.string("_"),
        exp.Literal.string(""),
    )
    bare = _fn("replaceRegexpAll", body, exp.Literal.string("^0+"), exp.Literal.string(""))
    padded = _fn("leftPad", bare, exp.Literal.number(width), exp.Literal.string("0"))
    number = _fn("reinterpretAsUInt64", _fn("reverse", _fn(decode, padded)))
    fits = exp.LTE(this=_fn("length", bare.copy()), expression=exp.Literal.number(width))
    return exp.If(this=exp.And(this=valid, expression=fits), true=number, false=exp.Null())


def _json_path_strings(node: exp.JSONExtractScalar) -> exp.Expr:
    """``json_extract_string(x, '$[*].key')``: the key of every element of a JSON array."""
    path = node.expression
    parts = list(path.expressions) if isinstance(path, exp.JSONPath) else []
    kinds = [type(p).__name__ for p in parts]
    if kinds == ["JSONPathRoot", "JSONPathSubscript", "JSONPathKey"] and isinstance(
        parts[1].this, exp.JSONPathWildcard
    ):
        element = exp.to_identifier("element")
        body = _fn("JSONExtractString", exp.column(element), exp.Literal.string(parts[2].this))
        mapper = exp.Lambda(this=body, expressions=[element])
        return _fn("arrayMap", mapper, _fn("JSONExtractArrayRaw", _fn("assumeNotNull", node.this)))
    return node


def _split_part(node: exp.SplitPart) -> exp.Expr:
    text, delimiter, index = node.this, node.args["delimiter"], node.args["part_index"]
    parts = _fn("splitByString", delimiter, _fn("assumeNotNull", text))
    return exp.If(
        this=exp.Is(this=text.copy(), expression=exp.Null()), true=exp.Null(), false=_fn("arrayElement", parts, index)
    )


def _from_json(node: exp.FromJson) -> exp.Expr:
    shape = node.expression.name
    if shape.replace(" ", "") != '["VARCHAR"]':
        raise DialectError(f"from_json(..., {shape!r}): only '[\"VARCHAR\"]' has a ClickHouse rendering")
    # NULL reads as '' and so as no element: DuckDB's unnest(from_json(NULL, ...)) yields no row either
    return _fn("JSONExtract", _fn("assumeNotNull", node.this), exp.Literal.string("Array(Nullable(String))"))


def _anonymous(node: exp.Anonymous) -> exp.Expr:
    name = node.name.lower()
    args = node.expressions
    if name == "getvariable":
        variable = args[0].name
        return exp.Subquery(this=exp.select(exp.column(variable)).from_(SCOPE_VARS))
    if name == "histogram":
        value = args[0]  # histogram() skips NULL
        pair = _fn("map", _fn("assumeNotNull", value), _fn("toUInt64", exp.Literal.number(1)))
        return _fn("sumMapIf", pair, exp.not_(exp.Is(this=value.copy(), expression=exp.Null())))
    if name == "hash":
        return _fn("cityHash64", *args)
    if name == "to_microseconds":
        return _fn("toIntervalMicrosecond", *args)
    return node


def _placeholder(node: exp.Placeholder, types: dict[str, str]) -> exp.Expr:
    name = node.name
    if name not in types:
        raise DialectError(f"${name}: no ClickHouse type for this parameter (scoring._dialect.PARAMETER_TYPES)")
    return exp.var(f"{{{name}:{types[name]}}}")


def _rewrite(node: exp.Expr, types: dict[str, str]) -> exp.Expr:
    """One node's ClickHouse form (children are rewritten first, by ``transform``)."""
    if isinstance(node, exp.Anonymous):
        return _anonymous(node)
    if isinstance(node, exp.PercentileCont):
        return _quantile(node)
    if isinstance(node, exp.LogicalOr):
        return _fn("max", node.this)
    if isinstance(node, exp.LogicalAnd):
        return _fn("min", node.this)
    if isinstance(node, exp.TryCast):
        return _try_cast(node)
    if isinstance(node, exp.DataType):
        return _datatype(node)
    if isinstance(node, exp.FromJson):
        return _from_json(node)
    if isinstance(node, exp.JSONExtractScalar) and isinstance(node.expression, exp.JSONPath):
        return _json_path_strings(node)
    if isinstance(node, exp.Length):
        return _fn("length", node.this)
    if isinstance(node, exp.ArraySort) and node.expression is None:
        return _fn("arraySort", node.this)
    if isinstance(node, exp.JSONKeys):
        return _fn("JSONExtractKeys", _fn("assumeNotNull", node.this))  # NULL: no keys
    if isinstance(node, exp.SplitPart):
        return _split_part(node)
    if isinstance(node, exp.ToDays):
        return _fn("toIntervalDay", node.this)
    if isinstance(node, exp.GenerateSeries):
        return _fn("range", node.args["start"], node.args["end"])
    if isinstance(node, exp.IgnoreNulls) and isinstance(node.this, exp.AnyValue):
        return _fn("any", node.this.this)
    if isinstance(node, exp.AnyValue):
        return _fn("any", node.this)
    if isinstance(node, exp.Placeholder):
        return _placeholder(node, types)
    if (
        isinstance(node, exp.Table)
        and isinstance(node.this, exp.Anonymous)
        and node.this.name.lower() == "read_parquet"
    ):
        return exp.to_table(SOURCE).as_(node.alias) if node.alias else exp.to_table(SOURCE)
    if isinstance(node, exp.Table) and isinstance(node.this, exp.ReadParquet):
        return exp.to_table(SOURCE).as_(node.alias) if node.alias else exp.to_table(SOURCE)
    return node


def _bottom_up(node: exp.Expr, types: dict[str, str]) -> exp.Expr:
    """Rewrite every node after its children (a rewritten call's arguments are ClickHouse already)."""
    for key, value in list(node.args.items()):
        if isinstance(value, exp.Expr):
            node.set(key, _bottom_up(value, types))
        elif isinstance(value, list):
            node.set(key, [_bottom_up(v, types) if isinstance(v, exp.Expr) else v for v in value])
    rewritten = _rewrite(node, types)
    if isinstance(rewritten, exp.Select):
        _name_projections(rewritten)
        _order_by_position(rewritten)
    return rewritten


def _is_boolean(node: exp.Expr) -> bool:
    """Whether DuckDB types ``node`` BOOLEAN where ClickHouse gives UInt8 (comparisons, AND/OR/NOT, IN, ...)."""
    if isinstance(node, exp.Paren):
        return _is_boolean(node.this)
    if isinstance(node, exp.Predicate | exp.Connector | exp.Not | exp.Boolean):
        return True
    if isinstance(node, exp.Case):
        branches = [i.args["true"] for i in node.args.get("ifs", [])] + [node.args.get("default")]
        return any(_is_boolean(b) for b in branches if b is not None)
    if isinstance(node, exp.Coalesce):
        return any(_is_boolean(e) for e in [node.this, *node.expressions])
    return False


def _name_projections(select: exp.Select) -> None:
    """``SELECT b.signal`` names its column ``signal`` in DuckDB but may name it ``b.signal`` in ClickHouse;
    a boolean expression is BOOLEAN in DuckDB and UInt8 in ClickHouse unless cast."""
    named: list[exp.Expr] = []
    for e in select.expressions:
        if isinstance(e, exp.Column) and e.table and not e.is_star:
            e = e.as_(e.name)
        inner = e.this if isinstance(e, exp.Alias) else e
        if _is_boolean(inner):
            cast = exp.Cast(this=inner.copy(), to=_type("Nullable(Bool)"))
            e = cast.as_(e.alias) if isinstance(e, exp.Alias) else cast
        named.append(e)
    select.set("expressions", named)


def _order_by_position(select: exp.Select) -> None:
    """``ORDER BY name`` sorts by the output column ``name`` in DuckDB; ClickHouse (preferring columns to
    aliases, as DuckDB does everywhere else) would read the input column, so name the position instead."""
    order = select.args.get("order")
    if order is None:
        return
    names = [e.alias_or_name for e in select.expressions]
    for ordered in order.expressions:
        key = ordered.this
        if isinstance(key, exp.Column) and not key.table and key.name in names:
            ordered.set("this", exp.Literal.number(names.index(key.name) + 1))


def _by_name(insert: exp.Insert) -> None:
    """``INSERT INTO t BY NAME SELECT ...`` -> ``INSERT INTO t (the select's output names) SELECT ...``."""
    if not insert.args.get("by_name"):
        return
    query = insert.expression
    names = [exp.to_identifier(e.alias_or_name) for e in query.selects]
    insert.set("by_name", None)
    insert.set("this", exp.Schema(this=insert.this, expressions=names))


def _create_table(create: exp.Create) -> str:
    schema = create.this
    if isinstance(schema, exp.Schema):
        for column in schema.expressions:
            if isinstance(column, exp.ColumnDef):
                column.set("constraints", [])
    return f"{create.sql('clickhouse')} ENGINE = Memory"


def _equi_keys(where: exp.Expr, joined: str) -> tuple[list[tuple[str, exp.Expr]], list[exp.Expr]]:
    """The conjuncts ``p.col = expr`` of ``where`` (p the joined table) and the others."""
    keys: list[tuple[str, exp.Expr]] = []
    rest: list[exp.Expr] = []
    for part in where.flatten() if isinstance(where, exp.And) else [where]:
        if isinstance(part, exp.EQ):
            for mine, other in ((part.this, part.expression), (part.expression, part.this)):
                if (
                    isinstance(mine, exp.Column)
                    and mine.table == joined
                    and joined not in {c.table for c in other.find_all(exp.Column)}
                ):
                    keys.append((mine.name, other))
                    break
            else:
                rest.append(part)
        else:
            rest.append(part)
    return keys, rest


def _update(update: exp.Update) -> Statement:
    """``UPDATE`` as a synchronous ClickHouse mutation; a joined table is read through ``joinGet``."""
    target = update.this.name
    where = update.args["where"].this
    joins: list[tuple[str, str, tuple[str, ...]]] = []
    sources = update.args.get("from_")
    conditions = [where]
    if sources is not None:
        joined = sources.this
        alias = joined.alias_or_name
        keys, rest = _equi_keys(where, alias)
        if not keys:
            raise DialectError(f"UPDATE {target} ... FROM {joined.name}: no equality on {alias}'s columns to join on")
        join_table = f"{joined.name}{_JOIN_SUFFIX}"
        joins.append((join_table, joined.name, tuple(name for name, _ in keys)))
        key_exprs = [value for _, value in keys]

        def read_joined(node: exp.Expr) -> exp.Expr:
            if isinstance(node, exp.Column) and node.table == alias:
                return _fn(
                    "joinGet",
                    exp.Literal.string(join_table),
                    exp.Literal.string(node.name),
                    *(k.copy() for k in key_exprs),
                )
            return node

        for assignment in update.expressions:
            assignment.set("expression", assignment.expression.transform(read_joined))
        matched = exp.In(
            this=exp.Tuple(expressions=[k.copy() for k in key_exprs]),
            query=exp.Subquery(this=exp.select(*(exp.column(name) for name, _ in keys)).from_(joined.name)),
        )
        conditions = [*rest, matched]
    # a mutation names its own table's columns unqualified
    unqualify = _unqualify(target)
    sets = ", ".join(a.transform(unqualify).sql("clickhouse") for a in update.expressions)
    condition = exp.and_(*conditions).transform(unqualify).sql("clickhouse")
    return Statement(f"ALTER TABLE {target} UPDATE {sets} WHERE {condition}", tuple(joins))


def _unqualify(table: str) -> Callable[[exp.Expr], exp.Expr]:
    def strip(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Column) and node.table == table:
            return exp.column(node.name)
        return node

    return strip


def _statement(tree: exp.Expr, types: dict[str, str]) -> Statement:
    tree = _bottom_up(tree, types)
    if isinstance(tree, exp.Insert):
        _by_name(tree)
    if isinstance(tree, exp.Update):
        return _update(tree)
    if isinstance(tree, exp.Create) and tree.kind == "TABLE" and tree.expression is None:
        return Statement(_create_table(tree))
    if isinstance(tree, exp.Delete):
        return Statement(f"ALTER TABLE {tree.this.name} DELETE WHERE {tree.args['where'].this.sql('clickhouse')}")
    return Statement(tree.sql("clickhouse"))


MATERIALIZED_CTE = "enable_materialized_cte"  # the setting under which ClickHouse computes a marked CTE once


def _bind_constants(tree: exp.Expr, constants: dict[str, str | None]) -> exp.Expr:
    """In a statement that reads ``attribute_keys``, every column named in ``constants`` as that value, a string
    literal or NULL (the row's columns reach the load's outer queries unqualified, through ``k.*``)."""
    if not any(table.name == "attribute_keys" for table in tree.find_all(exp.Table)):
        return tree
    for column in list(tree.find_all(exp.Column)):
        if not column.is_star and column.name in constants:
            value = constants[column.name]
            column.replace(exp.Null() if value is None else exp.Literal.string(value))
    return tree


def _materialize_shared(tree: exp.Expr) -> exp.Expr:
    """Every CTE read more than once as ``MATERIALIZED``: ClickHouse otherwise runs a CTE's query again at each
    place that reads it (DuckDB materialises such a CTE by itself). A CTE read once stays inlined."""
    for with_ in tree.find_all(exp.With):
        if with_.args.get("recursive"):  # ClickHouse refuses MATERIALIZED in a recursive WITH
            continue
        holder = with_.parent if with_.parent is not None else with_
        for cte in with_.expressions:
            reads = [
                table
                for table in holder.find_all(exp.Table)
                if not table.db and table.name == cte.alias_or_name and not _within(table, cte)
            ]
            if len(reads) > 1:
                cte.set("materialized", True)
    return tree


def _within(node: exp.Expr, ancestor: exp.Expr) -> bool:
    """Whether ``node`` is inside ``ancestor`` (a CTE's read of itself, in its own body)."""
    parent = node.parent
    while parent is not None and parent is not ancestor:
        parent = parent.parent
    return parent is ancestor


@cache
def translate(
    text: str,
    parameters: tuple[tuple[str, str], ...] = (),
    constants: tuple[tuple[str, str | None], ...] = (),
    *,
    materialize: bool = False,
) -> tuple[Statement, ...]:
    """The ClickHouse statements of one DuckDB-dialect ``.sql`` file's text; ``parameters`` (name, ClickHouse
    type) types a user query's own ``$name`` placeholders beside the loads' (``PARAMETER_TYPES``); ``constants``
    (name, value) puts a value in place of every column of that name (the mapping table's one row: ClickHouse
    looks a constant key up in a map several times faster than a key read from a column); ``materialize`` marks
    the CTEs read more than once ``MATERIALIZED`` (for a ClickHouse where ``MATERIALIZED_CTE`` is on)."""
    try:
        trees = [tree for tree in sqlglot.parse(text, read="duckdb") if tree is not None]
    except sqlglot.errors.SqlglotError as exc:
        raise DialectError(f"cannot parse: {exc}") from exc
    types = {**PARAMETER_TYPES, **dict(parameters)}
    bound = dict(constants)
    if bound:
        trees = [_bind_constants(tree, bound) for tree in trees]
    if materialize:
        trees = [_materialize_shared(tree) for tree in trees]
    return tuple(_statement(tree, types) for tree in trees)


def query(name: str, *, materialize: bool = False) -> str:
    """The ClickHouse text of the SELECT in view file ``name``."""
    (statement,) = translate(_sql.read(name), materialize=materialize)
    return statement.sql


__all__ = [
    "MATERIALIZED_CTE", "SCOPE_VARS", "SOURCE", "TIMESTAMP", "DialectError", "Statement", "query", "translate",
]  # fmt: skip
