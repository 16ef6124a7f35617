"""The shipped support-desk knowledge base and order book, and a small deterministic keyword search."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from harness.model_server._tokens import words

_STOPWORD_TEXT = """a an and are can do does for from how i in is it me my of on or the to what when where which why
with you your yes no please hi hello get"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())


@dataclass(frozen=True)
class Article:
    """One knowledge-base article; ``summary`` is the first sentence of ``body``."""

    id: str
    title: str
    keywords: tuple[str, ...]
    body: str

    @property
    def summary(self) -> str:
        return self.body.split(". ", 1)[0].rstrip(".") + "."


def _read_data(name: str) -> Any:
    text = resources.files("harness.model_server").joinpath("data").joinpath(name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


@functools.cache
def load_knowledge_base() -> tuple[Article, ...]:
    """The shipped articles, in file order."""
    return tuple(
        Article(item["id"], item["title"], tuple(item["keywords"]), item["body"])
        for item in _read_data("knowledge_base.yaml")["articles"]
    )


@functools.cache
def load_orders() -> dict[str, dict[str, Any]]:
    """The shipped order book: order id (``ORD-1001`` ...) to its fields (status, item, total, carrier, eta)."""
    orders: dict[str, dict[str, Any]] = _read_data("orders.yaml")["orders"]
    return orders


def _score(article: Article, query_words: set[str]) -> int:
    keyword_words = set(words(" ".join(article.keywords)))
    title_words = set(words(article.title))
    body_words = set(words(article.body))
    return sum(3 * (word in keyword_words) + 2 * (word in title_words) + (word in body_words) for word in query_words)


def search_knowledge_base(query: str, limit: int = 3) -> list[Article]:
    """Articles matching ``query`` best first (keyword hits weigh 3, title 2, body 1); ties keep file order."""
    query_words = set(words(query)) - _STOPWORDS
    scored = [(_score(article, query_words), index, article) for index, article in enumerate(load_knowledge_base())]
    ranked = sorted((item for item in scored if item[0] > 0), key=lambda item: (-item[0], item[1]))
    return [article for _, _, article in ranked[:limit]]
