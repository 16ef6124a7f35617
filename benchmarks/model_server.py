"""What a call to the local model server costs, through the real SDKs, per endpoint.

    .venv/bin/python -m benchmarks.model_server            # about 20 seconds
    .venv/bin/python -m benchmarks.model_server --quick    # smoke run, fewer loops

Each row is the median microseconds per call over several timed loops (after a warm-up) of a
sync SDK client talking to ``serve()`` over loopback HTTP in the same process (server thread
included), plus one row through ``create_app`` in-process via ``httpx2.ASGITransport``. Streamed
rows consume the whole stream; the answer is the 35-token refund article.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable

import anthropic
import httpx2
import openai

from benchmarks._timing import per_call_us, print_table
from harness.model_server import create_app, serve

QUESTION = [{"role": "user", "content": "How do I get a refund?"}]


def _openai_rows(client: openai.OpenAI) -> list[tuple[str, Callable[[], object]]]:
    return [
        ("chat.completions plain", lambda: client.chat.completions.create(model="m", messages=QUESTION)),  # type: ignore[arg-type]
        (
            "chat.completions streamed + usage",
            lambda: list(
                client.chat.completions.create(
                    model="m",
                    messages=QUESTION,  # type: ignore[arg-type]
                    stream=True,
                    stream_options={"include_usage": True},
                )
            ),
        ),
        ("responses plain", lambda: client.responses.create(model="m", input="How do I get a refund?")),
        ("responses streamed", lambda: list(client.responses.create(model="m", input="refund", stream=True))),
        ("embeddings (base64, 256 dims)", lambda: client.embeddings.create(model="e", input="refund policy")),
    ]


def _anthropic_rows(client: anthropic.Anthropic) -> list[tuple[str, Callable[[], object]]]:
    def plain() -> object:
        return client.messages.create(model="c", max_tokens=200, messages=QUESTION)  # type: ignore[arg-type]

    def streamed() -> object:
        with client.messages.stream(model="c", max_tokens=200, messages=QUESTION) as stream:  # type: ignore[arg-type]
            return stream.get_final_message()

    return [("messages plain", plain), ("messages.stream() helper", streamed)]


def _in_process_us(loops: int, repeats: int) -> float:
    async def measure() -> float:
        transport = httpx2.ASGITransport(app=create_app())
        async with httpx2.AsyncClient(transport=transport) as http:
            client = openai.AsyncOpenAI(base_url="http://mock/v1", api_key="k", http_client=http)
            loop = asyncio.get_running_loop()
            for _ in range(loops // 4):
                await client.chat.completions.create(model="m", messages=QUESTION)  # type: ignore[arg-type]
            samples = []
            for _ in range(repeats):
                start = loop.time()
                for _ in range(loops):
                    await client.chat.completions.create(model="m", messages=QUESTION)  # type: ignore[arg-type]
                samples.append((loop.time() - start) / loops * 1e6)
            return sorted(samples)[len(samples) // 2]

    return asyncio.run(measure())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer loops, for a smoke run")
    args = parser.parse_args()
    loops, repeats = (20, 3) if args.quick else (150, 5)
    rows: list[tuple[object, ...]] = []
    with serve() as server:
        oai = openai.OpenAI(base_url=server.openai_base_url, api_key="k", max_retries=0)
        claude = anthropic.Anthropic(base_url=server.anthropic_base_url, api_key="k", max_retries=0)
        for name, call in _openai_rows(oai) + _anthropic_rows(claude):
            micros = per_call_us(call, loops=loops, repeats=repeats, warmup=loops // 4)
            rows.append((name, "loopback HTTP", f"{micros:,.0f}"))
    rows.append(("chat.completions plain", "in-process ASGI", f"{_in_process_us(loops, repeats):,.0f}"))
    print_table("Local model server, real SDK clients (median µs per call)", ("call", "transport", "µs/call"), rows)


if __name__ == "__main__":
    main()
