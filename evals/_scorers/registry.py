"""The scorer types a suite file can name: the built-ins, and any registered from Python.

Register a scorer class, a function that returns a scorer, or a scorer made by ``@scorer``::

    @evals.register_scorer("cites_policy")
    class CitesPolicy(evals.Scorer): ...

and name it in YAML as ``{type: cites_policy, <its parameters>}``. A type written ``module:attribute``
imports the module (the suite file's folder is importable) and uses the attribute the same way.
Parameters are checked against the factory's signature when the suite loads.
"""

from __future__ import annotations

import copy
import importlib
import inspect
import typing
from collections.abc import Callable
from typing import Any

from pydantic import TypeAdapter, ValidationError

from evals._scorers.base import Scorer
from evals._scorers.checks import Contains, Exact, JsonSchema, MaxSteps, Numeric, Regex, Termination, ToolUsed
from evals._scorers.judge import LLMJudge
from evals.errors import SuiteError

ScorerFactory = Callable[..., Scorer]


def _tool_not_used(tool: str, *, name: str = "") -> Scorer:
    return ToolUsed(tool, expected=False, name=name)


_BUILT_IN: dict[str, ScorerFactory] = {
    "exact": Exact,
    "contains": Contains,
    "regex": Regex,
    "json_schema": JsonSchema,
    "numeric": Numeric,
    "tool_used": ToolUsed,
    "tool_not_used": _tool_not_used,
    "max_steps": MaxSteps,
    "termination": Termination,
    "judge": LLMJudge,
}
_REGISTERED: dict[str, ScorerFactory] = {}


def register_scorer(name: str, scorer: Any = None) -> Any:
    """Make ``scorer`` (a Scorer subclass, a factory returning a Scorer, or a Scorer) a type suite files name.

    Use it as a call, ``register_scorer("polite", Polite)``, or as a decorator, ``@register_scorer("polite")``.
    """

    def add(obj: Any) -> Any:
        if name in _BUILT_IN:
            raise SuiteError(f"scorer type {name!r} is built in; register yours under another name")
        _REGISTERED[name] = _factory(obj, name)
        return obj

    return add if scorer is None else add(scorer)


def scorer_types() -> list[str]:
    """Every type a suite file can name, built-in and registered."""
    return sorted({**_BUILT_IN, **_REGISTERED})


def build_scorer(spec: dict[str, Any], where: str) -> Scorer:
    """A scorer from its suite-file entry ``{type: ..., <parameters>}``; errors name ``where`` and the choices."""
    params = dict(spec)
    kind = params.pop("type", None)
    factory = _resolve(kind, where)
    checked = _checked_params(factory, str(kind), params, where)
    try:
        built = factory(**checked)
    except Exception as exc:
        raise SuiteError(f"{where}: scorer {kind!r}: {type(exc).__name__}: {exc}") from exc
    if not isinstance(built, Scorer):
        raise SuiteError(f"{where}: scorer {kind!r} made a {type(built).__name__}, not an evals.Scorer")
    return built


def _resolve(kind: Any, where: str) -> ScorerFactory:
    choices = f"types: {', '.join(scorer_types())} (or module:attribute)"
    if not isinstance(kind, str) or not kind:
        raise SuiteError(f"{where}: a scorer needs a 'type'; {choices}")
    if kind in _BUILT_IN or kind in _REGISTERED:
        return _BUILT_IN.get(kind) or _REGISTERED[kind]
    module, sep, attribute = kind.partition(":")
    if not sep:
        raise SuiteError(
            f"{where}: scorer type {kind!r} unknown; types: {', '.join(scorer_types())} (or module:attribute)"
        )
    try:
        found = getattr(importlib.import_module(module), attribute)
    except (ImportError, AttributeError) as exc:
        raise SuiteError(f"{where}: scorer type {kind!r}: cannot import it ({exc})") from exc
    return _factory(found, kind)


def _factory(obj: Any, name: str) -> ScorerFactory:
    if isinstance(obj, Scorer):
        return _instance_factory(obj)
    if callable(obj):
        return typing.cast(ScorerFactory, obj)
    raise SuiteError(f"scorer type {name!r}: {obj!r} is neither a Scorer, a Scorer class nor a function returning one")


def _instance_factory(instance: Scorer) -> ScorerFactory:
    def make(name: str = "") -> Scorer:
        made = copy.copy(instance)
        made.name = name or instance.name
        return made

    return make


def _checked_params(factory: ScorerFactory, kind: str, params: dict[str, Any], where: str) -> dict[str, Any]:
    """The parameters, each validated against the factory's signature and annotations."""
    try:
        signature = inspect.signature(factory)
    except (TypeError, ValueError):
        return params
    named = {
        p.name: p
        for p in signature.parameters.values()
        if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and p.name != "self"
    }
    takes_any = any(p.kind == p.VAR_KEYWORD for p in signature.parameters.values())
    choices = ", ".join(sorted(named)) or "(none)"
    for key in params:
        if key not in named and not takes_any:
            raise SuiteError(f"{where}: scorer {kind!r}: unknown parameter {key!r}; parameters: {choices}")
    for key, parameter in named.items():
        if parameter.default is parameter.empty and key not in params:
            raise SuiteError(f"{where}: scorer {kind!r}: missing parameter {key!r}; parameters: {choices}")
    hints = _hints(factory)
    return {
        key: _coerced(hints.get(key), value, f"{where}: scorer {kind!r}: parameter {key!r}")
        for key, value in params.items()
    }


def _hints(factory: ScorerFactory) -> dict[str, Any]:
    target = factory.__init__ if inspect.isclass(factory) else factory
    try:
        return typing.get_type_hints(target)
    except Exception:  # noqa: BLE001 - an annotation we cannot resolve is not checked, the factory still is
        return {}


def _coerced(hint: Any, value: Any, where: str) -> Any:
    if hint is None or hint is Any:
        return value
    try:
        return TypeAdapter(hint).validate_python(value)
    except ValidationError as exc:
        raise SuiteError(f"{where}: {exc.errors()[0]['msg']} (got {value!r})") from exc
    except Exception:  # noqa: BLE001 - a type pydantic cannot check (a protocol, a callable) is left to the factory
        return value
