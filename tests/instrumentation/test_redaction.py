"""Content capture on means redaction on: each credential format, through the real SDKs, tools and sampling."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anthropic
import openai
import pytest

import evals
import instrumentation
from harness.model_server import ServerHandle
from instrumentation import instrument_anthropic, instrument_openai, semconv
from tests.conftest import Captured
from tests.instrumentation.test_providers_support import API_KEY, every_value, priced_telemetry

# Fake credentials in each format's real shape (AWS's are its documentation examples).
CREDENTIALS: dict[str, tuple[str, str]] = {
    "openai legacy": ("openai_api_key", "sk-" + "Ab3dEf6hIj9kLmN0pQrStUvWxYz0123456789AbCdEfGhIj"),
    "openai project": ("openai_api_key", "sk-proj-" + "x7Yk2_Lm9-QwErTyUiOp" * 4 + "T3BlbkFJ" + "a1B2c3D4e5F6g7H8i9J0"),
    "openai service account": ("openai_api_key", "sk-svcacct-" + "Zx9" * 20),
    "anthropic": ("anthropic_api_key", "sk-ant-api03-" + "R2D2C3P0_beep-boop" * 5 + "AA"),
    "anthropic admin": ("anthropic_api_key", "sk-ant-admin01-" + "q1W2e3R4t5Y6u7I8o9P0" * 4),
    "aws access key id": ("aws_access_key_id", "AKIAIOSFODNN7EXAMPLE"),
    "aws session key id": ("aws_access_key_id", "ASIAY34FZKBOKMUTVV7A"),
    "github classic": ("github_token", "ghp_" + "16C7e42F292c6912E7710c838347Ae178B4a"),
    "github app": ("github_token", "ghs_" + "kQ2pL8mN4vB6xC1zR7tY9wE3uI5oA0sD2fG4"),
    "github fine-grained": ("github_token", "github_pat_11ABCDEFG0" + "x" * 72),
    "google api key": ("google_api_key", "AIza" + "SyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY"),
    "google oauth token": ("google_oauth_token", "ya29." + "a0AfH6SMBx3e1Q9-kZp0Lw_4rTuVyXc2NbM"),
    "google client secret": ("google_oauth_token", "GOCSPX-" + "1aB2cD3eF4gH5iJ6kL7mN8oP9qR0"),
    "slack bot token": ("slack_token", "xoxb-" + "2401234567-4012345678901-AbCdEfGhIjKlMnOpQrStUvWx"),
    "slack user token": ("slack_token", "xoxp-" + "2401234567-2401234567-4012345678901-0123456789abcdef"),
    "slack webhook": (
        "slack_webhook",
        "https://hooks.slack.com/services/" + "T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
    ),
    "stripe": ("stripe_key", "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"),
    "hugging face": ("huggingface_token", "hf_" + "aBcDeFgHiJkLmNoPqRsTuVwXyZ01234567"),
    "jwt": (
        "jwt",
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkphbmUifQ."
        "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    ),
}
IN_CONTEXT: dict[str, tuple[str, str, str]] = {
    # name: (rule, text, secret inside it)
    "aws secret": (
        "aws_secret_access_key",
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    ),
    "aws secret in json": (
        "aws_secret_access_key",
        '{"AWS_SECRET_ACCESS_KEY": "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY"}',
        "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
    ),
    "bearer header": ("bearer_token", "Authorization: Bearer 0b79bab50daca910b000d4f1a2b675d604257e42", "0b79bab50d"),
    "basic auth header": ("basic_auth", "authorization: Basic dXNlcjpodW50ZXIyaHVudGVyMg==", "dXNlcjpod"),
    "password in a url": ("url_password", "postgres://app:S3cr3t-Passw0rd@db.internal:5432/prod", "S3cr3t-Passw0rd"),
    "password assignment": (
        "assigned_secret",
        'config = {"password": "correct-horse-battery"}',
        "correct-horse-battery",
    ),
    "api key assignment": ("assigned_secret", "API_KEY=9f8e7d6c5b4a39281706", "9f8e7d6c5b4a39281706"),
    "rsa private key": (
        "private_key",
        "key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy\n"
        "-----END RSA PRIVATE KEY-----\n",
        "MIIEowIBAAKCAQEA0Z3VS5JJcds3xfn",
    ),
    "openssh private key": (
        "private_key",
        "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n"
        "-----END OPENSSH PRIVATE KEY-----",
        "b3BlbnNzaC1rZXktdjEA",
    ),
    "private key cut short": ("private_key", "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIIGlRfVDn", "MHcCAQEEIIGlRfVDn"),
}
HARMLESS = [
    "How do I reset my password? I tried the basic steps twice.",
    "Order ORD-1042 shipped; trace 4bf92f3577b34da6a3ce929d0e0e4736, commit 9fceb02d0ae598e95dc970b74767f19372d61af8.",
    "Use scikit-learn (sk-learn) and the desk-top app; the API key is in the vault.",
    "The token count was 1234 and the secret sauce is love.",
    "https://example.com/path?q=1 and user@example.com",
]


@pytest.mark.parametrize("name", sorted(CREDENTIALS))
def test_each_credential_format_is_redacted(name: str) -> None:
    rule, secret = CREDENTIALS[name]
    text = f"here it is: {secret} (keep it safe)"
    assert instrumentation.redact(text) == f"here it is: [REDACTED:{rule}] (keep it safe)"


@pytest.mark.parametrize("name", sorted(IN_CONTEXT))
def test_each_credential_in_context_is_redacted_and_its_name_kept(name: str) -> None:
    rule, text, secret = IN_CONTEXT[name]
    redacted = instrumentation.redact(text)
    assert secret not in redacted and f"[REDACTED:{rule}]" in redacted
    assert redacted.split("[REDACTED")[0] == text.split(secret[:8])[0] or rule == "private_key"


@pytest.mark.parametrize("text", HARMLESS)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert instrumentation.redact(text) == text


def test_structured_content_is_redacted_string_by_string() -> None:
    value = {"role": "user", "parts": [{"type": "text", "content": CREDENTIALS["jwt"][1]}], "n": 5, "ok": None}
    assert instrumentation.redact_value(value) == {
        "role": "user",
        "parts": [{"type": "text", "content": "[REDACTED:jwt]"}],
        "n": 5,
        "ok": None,
    }


def test_a_capture_hook_can_remove_contact_details_too() -> None:
    value = [{"content": "mail jane@example.com, key AKIAIOSFODNN7EXAMPLE"}]
    assert instrumentation.redact_value(value, personal=True) == [
        {"content": "mail [EMAIL], key [REDACTED:aws_access_key_id]"}
    ]
    assert instrumentation.redact_value(value) == [
        {"content": "mail jane@example.com, key [REDACTED:aws_access_key_id]"}
    ]


def test_sampling_shares_the_redactor_and_adds_contact_details() -> None:
    text = f"jane@example.com sent {CREDENTIALS['jwt'][1]} and AKIAIOSFODNN7EXAMPLE, call +44 20 7946 0958"
    redacted = evals.redact(text)
    assert redacted == "[EMAIL] sent [REDACTED:jwt] and [REDACTED:aws_access_key_id], call [PHONE]"
    assert evals.redact(text) == instrumentation.redact(text, personal=True)


def _user_hook(value: Any) -> Any:
    return json.loads(json.dumps(value).replace("Jane", "[NAME]"))


@pytest.fixture
def capturing(tmp_path: Path, server: ServerHandle) -> Iterator[Captured]:
    server.reset()
    yield from priced_telemetry(tmp_path, capture_content=True, redact=_user_hook)


SECRETS = [CREDENTIALS["openai project"][1], CREDENTIALS["jwt"][1], "AKIAIOSFODNN7EXAMPLE"]
LEAKY = f"I am Jane; my key {SECRETS[0]}, token {SECRETS[1]}, aws {SECRETS[2]}: why does it fail?"


def test_captured_messages_and_tool_arguments_never_hold_a_credential(
    server: ServerHandle, capturing: Captured
) -> None:
    tool_call = {
        "id": "call_1",
        "type": "function",
        "function": {"name": "login", "arguments": json.dumps({"t": SECRETS[1]})},
    }
    history = [
        {"role": "user", "content": LEAKY},
        {"role": "assistant", "content": None, "tool_calls": [tool_call]},
        {"role": "tool", "tool_call_id": "call_1", "content": f"logged in with {SECRETS[0]}"},
    ]
    with openai.OpenAI(base_url=server.openai_base_url, api_key=API_KEY) as client:
        instrument_openai(client, telemetry=capturing.telemetry)
        client.chat.completions.create(model="gpt-test", messages=history)
        client.responses.create(model="gpt-test", input=LEAKY)
    with anthropic.Anthropic(base_url=server.anthropic_base_url, api_key=API_KEY) as claude:
        instrument_anthropic(claude, telemetry=capturing.telemetry)
        claude.messages.create(
            model="claude-test", max_tokens=32, system=LEAKY, messages=[{"role": "user", "content": LEAKY}]
        )
    with instrumentation.tool(
        "login", arguments={"token": SECRETS[1], "user": "Jane"}, telemetry=capturing.telemetry
    ) as call:
        call.set_result({"session": SECRETS[0]})
    spans = capturing.finished()
    values = every_value(spans)
    assert not [v for v in values if any(secret in v for secret in SECRETS)]
    assert not [v for v in values if "Jane" in v]  # the user's hook runs on top
    by_name = {s.name: dict(s.attributes) for s in spans}  # type: ignore[attr-defined]
    assert "[REDACTED:jwt]" in by_name["execute_tool login"][semconv.GEN_AI_TOOL_CALL_ARGUMENTS]
    assert "[REDACTED:openai_api_key]" in by_name["chat gpt-test"][semconv.GEN_AI_INPUT_MESSAGES]


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"messages": [{"role": "user", "content": 5}]},
        {"messages": [{"role": "assistant", "content": "x", "tool_calls": 7}, {"role": "user", "content": "y"}]},
        {"messages": 5},
    ],
    ids=["int content", "int tool calls", "int messages"],
)
def test_a_request_of_the_wrong_shape_gets_the_providers_error_not_ours(
    server: ServerHandle, capturing: Captured, request_kwargs: dict[str, Any]
) -> None:
    with openai.OpenAI(base_url=server.openai_base_url, api_key=API_KEY, max_retries=0) as client:
        instrument_openai(client, telemetry=capturing.telemetry)
        with pytest.raises(openai.BadRequestError):
            client.chat.completions.create(model="gpt-test", **request_kwargs)
        with pytest.raises(openai.BadRequestError):
            client.responses.create(model="gpt-test", input=[{"role": "user", "content": 5}])
    with anthropic.Anthropic(base_url=server.anthropic_base_url, api_key=API_KEY, max_retries=0) as claude:
        instrument_anthropic(claude, telemetry=capturing.telemetry)
        with pytest.raises(anthropic.BadRequestError):
            claude.messages.create(model="claude-test", max_tokens=8, system=3, **request_kwargs)  # type: ignore[arg-type]
    assert not capturing.telemetry.errors.counts  # raise_internal_errors under pytest: none was reported
    assert len(capturing.finished()) == 3
