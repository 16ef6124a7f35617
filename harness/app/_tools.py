"""The support agent's four tools and their OpenAI function definitions.

Each tool takes the model's JSON arguments as keywords and returns text for the tool message;
a tool that cannot do its job raises ``ToolInputError`` with a message the model can read.
"""

from __future__ import annotations

import ast
import json
import operator
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from harness.model_server import load_orders, search_knowledge_base
from instrumentation.errors import HarnessError

_MAX_EXPRESSION = 200
_MAX_EXPONENT = 100


class ToolInputError(HarnessError):
    """The model called a tool with arguments it cannot use; the message goes back to the model."""


def search_kb(query: str) -> str:
    """Up to three knowledge-base articles for the query, best first."""
    articles = search_knowledge_base(query, limit=3)
    return json.dumps([{"id": a.id, "title": a.title, "answer": a.body} for a in articles])


def lookup_order(order_id: str) -> str:
    order = load_orders().get(order_id.strip().upper())
    if order is None:
        raise ToolInputError(f"no order {order_id!r}: order ids look like ORD-1001")
    return json.dumps({"order_id": order_id, **order})


def escalate(reason: str) -> str:
    return json.dumps({"escalated": True, "queue": "tier-2", "reason": reason[:200]})


_OPERATORS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}


def calculator(expression: str) -> str:
    """Exact decimal arithmetic on + - * / // % ** and parentheses; anything else is refused (no eval)."""
    if len(expression) > _MAX_EXPRESSION:
        raise ToolInputError(f"expression longer than {_MAX_EXPRESSION} characters")
    try:
        tree = ast.parse(expression, mode="eval")
        result = _evaluate(tree.body)
    except (SyntaxError, InvalidOperation, ZeroDivisionError, ArithmeticError) as exc:
        raise ToolInputError(f"cannot calculate {expression!r}: {type(exc).__name__}") from exc
    return format(result.normalize(), "f")


def _evaluate(node: ast.expr) -> Decimal:
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return Decimal(repr(node.value))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        value = _evaluate(node.operand)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        left, right = _evaluate(node.left), _evaluate(node.right)
        if isinstance(node.op, ast.Pow) and abs(right) > _MAX_EXPONENT:
            raise ToolInputError(f"exponent {right} is larger than {_MAX_EXPONENT}")
        result: Decimal = _OPERATORS[type(node.op)](left, right)
        return result
    raise ToolInputError(f"only numbers and + - * / // % ** are allowed, not {ast.dump(node)[:40]}")


TOOLS: dict[str, Callable[..., str]] = {
    "search_kb": search_kb,
    "lookup_order": lookup_order,
    "calculator": calculator,
    "escalate": escalate,
}


def _function(name: str, description: str, **properties: str) -> dict[str, Any]:
    return {
        "type": "function",
        "function": {
            "name": name,
            "description": description,
            "parameters": {
                "type": "object",
                "properties": {key: {"type": "string", "description": text} for key, text in properties.items()},
                "required": list(properties),
            },
        },
    }


TOOL_DEFINITIONS: list[dict[str, Any]] = [
    _function("search_kb", "Search the support knowledge base.", query="What to search for"),
    _function("lookup_order", "Look up an order's status.", order_id="The order id, e.g. ORD-1001"),
    _function("calculator", "Calculate an arithmetic expression exactly.", expression="For example 3 * 19.99"),
    _function("escalate", "Hand the conversation to a human agent.", reason="Why a person is needed"),
]
