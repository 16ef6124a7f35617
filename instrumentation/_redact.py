"""One redactor for captured content and for production samples: credentials always, contact details on request.

With content capture on, every captured text (input and output messages, tool call arguments and
results) passes ``redact_value`` before the user's hook; ``evals.redact`` (``harness eval sample``) is
``redact(text, personal=True)``. The rules follow the formats the well-kept secret scanners (gitleaks,
detect-secrets) look for: vendor keys by their fixed prefixes, and the generic forms (a bearer token,
a JWT, a private key block, ``password = ...``) by their shape. A credential is replaced by
``[REDACTED:<rule>]``; a key name or ``Bearer`` before it stays, so the text still reads.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

_EDGE = r"(?<![A-Za-z0-9_-])"  # a key does not start inside a longer token
_END = r"(?![A-Za-z0-9_-])"


@dataclass(frozen=True, slots=True)
class Rule:
    """A credential format: its pattern (the secret is the whole match, or the group ``secret``) and the
    lower-case strings one of which any match contains (a cheap test that skips the pattern)."""

    name: str
    pattern: re.Pattern[str]
    hints: tuple[str, ...]

    def apply(self, text: str, lowered: str) -> str:
        if not any(hint in lowered for hint in self.hints):
            return text
        return self.pattern.sub(self._replace, text)

    def _replace(self, match: re.Match[str]) -> str:
        token = f"[REDACTED:{self.name}]"
        if "secret" not in self.pattern.groupindex:
            return token
        offset = match.start()
        start, end = match.span("secret")
        return match.group(0)[: start - offset] + token + match.group(0)[end - offset :]


def _rule(name: str, pattern: str, *hints: str) -> Rule:
    return Rule(name, re.compile(pattern), hints)


SECRET_RULES: tuple[Rule, ...] = (
    _rule(
        "private_key",
        r"-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----"
        r"(?:[\s\S]*?-----END[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|[A-Za-z0-9+/=\s\\]*)",
        "private key",
    ),
    _rule("anthropic_api_key", _EDGE + r"sk-ant-[a-z]{2,8}\d{0,3}-[A-Za-z0-9_-]{20,}", "sk-ant-"),
    _rule("openai_api_key", _EDGE + r"sk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{20,}", "sk-"),
    _rule(
        "aws_access_key_id",
        _EDGE + r"(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}" + _END,
        "akia",
        "asia",
        "abia",
        "acca",
        "a3t",
    ),
    _rule(
        "aws_secret_access_key",
        r"(?i:aws.{0,20}?(?:secret|private).{0,20}?key|secret_?access_?key)[\"'\s]{0,3}[:=>]{1,2}[\"'\s]{0,3}"
        r"(?P<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])",
        "key",
    ),
    _rule(
        "github_token",
        _EDGE + r"(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})" + _END,
        "ghp_",
        "gho_",
        "ghu_",
        "ghs_",
        "ghr_",
        "github_pat_",
    ),
    _rule("google_api_key", _EDGE + r"AIza[0-9A-Za-z_-]{35}" + _END, "aiza"),
    _rule("google_oauth_token", _EDGE + r"(?:ya29\.[0-9A-Za-z_-]{20,}|GOCSPX-[0-9A-Za-z_-]{20,})", "ya29.", "gocspx-"),
    _rule("slack_token", _EDGE + r"(?:xox[abposre]-[A-Za-z0-9-]{10,}|xapp-\d-[A-Za-z0-9-]{10,})", "xox", "xapp-"),
    _rule(
        "slack_webhook", r"https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9/_-]{20,}", "hooks.slack"
    ),
    _rule("stripe_key", _EDGE + r"[rs]k_(?:live|test)_[A-Za-z0-9]{16,}", "k_live_", "k_test_"),
    _rule("huggingface_token", _EDGE + r"hf_[A-Za-z0-9]{30,}" + _END, "hf_"),
    _rule("jwt", _EDGE + r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*", "eyj"),
    _rule("bearer_token", r"(?i:\bbearer)\s+(?P<secret>[A-Za-z0-9._~+/-]{16,}=*)", "bearer"),
    _rule(
        "basic_auth",
        r"(?i:authorization[\"'\s]{0,3}[:=][\"'\s]{0,3}basic)\s+(?P<secret>[A-Za-z0-9+/]{8,}=*)",
        "basic",
    ),
    _rule("url_password", r"(?i:\b[a-z][a-z0-9+.-]*://)[^\s:/@\"']+:(?P<secret>[^\s@/\"']{3,})@", "://"),
    _rule(
        "assigned_secret",
        r"(?i:\b(?:api[_-]?key|secret[_-]?key|client[_-]?secret|access[_-]?token|auth[_-]?token|password|passwd))"
        r"[\"']?\s{0,3}[:=]\s{0,3}[\"']?(?P<secret>[^\s\"',;&<>]{8,})",
        "key",
        "secret",
        "token",
        "passw",
    ),
)

PERSONAL_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"), "[EMAIL]"),
    (re.compile(r"\b(?:\d[ -]?){13,19}\b"), "[NUMBER]"),
    (re.compile(r"\+?\d[\d ().-]{7,}\d"), "[PHONE]"),
)


def redact(text: str, *, personal: bool = False) -> str:
    """``text`` with every credential replaced; with ``personal``, emails, phone and card numbers too."""
    lowered = text.lower()
    for rule in SECRET_RULES:
        redacted = rule.apply(text, lowered)
        if redacted is not text:
            text, lowered = redacted, redacted.lower()
    if personal:
        for pattern, token in PERSONAL_RULES:
            text = pattern.sub(token, text)
    return text


def redact_value(value: Any, *, personal: bool = False) -> Any:
    """Content with credentials (and, with ``personal``, contact details) redacted in every string it holds.

    Dicts, lists and tuples are walked; other values are kept. As a capture hook that also removes
    contact details: ``configure(capture_content=True, redact=partial(redact_value, personal=True))``.
    """
    if isinstance(value, str):
        return redact(value, personal=personal)
    if isinstance(value, dict):
        return {key: redact_value(item, personal=personal) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [redact_value(item, personal=personal) for item in value]
    return value


def redacted_default(value: object) -> str:
    """``json.dumps(default=...)`` for objects that are not JSON: their text, redacted."""
    return redact(str(value))


Redactor = Callable[[Any], Any]
