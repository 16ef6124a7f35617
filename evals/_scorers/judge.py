"""LLM-as-judge: a rubric, a model behind an OpenAI-compatible API, a versioned prompt.

The judge's identity is ``model@prompt_version``; a run records it and the gate refuses to
compare runs judged by different judges. The reply must be JSON ``{"score": 0..1, "reasoning": ...}``.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from evals._scorers.base import Score, ScoreContext, Scorer, is_absent
from instrumentation import feature, llm_call, semconv

PROMPT_TEMPLATE = """You are grading an answer against a rubric.
Rubric: {rubric}
Question: {question}
Expected keywords: {keywords}
<answer>{answer}</answer>
Reply with JSON only: {{"score": <number from 0 to 1>, "reasoning": "<one sentence>"}}."""

JUDGE_FEATURE = "eval.judge"


def prompt_digest(template: str, rubric: str) -> str:
    """A short content hash of the prompt template and rubric: a new wording is a new judge."""
    return "p-" + hashlib.sha256(f"{template}\0{rubric}".encode()).hexdigest()[:10]


class LLMJudge(Scorer):
    """Scores an output with a judge model; passes when the score reaches ``threshold``."""

    binary = False

    def __init__(
        self,
        model: str,
        rubric: str,
        *,
        client: Any = None,
        base_url: str | None = None,
        api_key: str | None = None,
        threshold: float = 0.5,
        name: str = "judge",
        template: str = PROMPT_TEMPLATE,
        prompt_version: str | None = None,
        provider: str = "openai",
    ) -> None:
        self.model, self.rubric, self.threshold, self.name, self.template = model, rubric, threshold, name, template
        self.prompt_version = prompt_version or prompt_digest(template, rubric)
        self.version = f"{model}@{self.prompt_version}"
        self.provider = provider
        self._client = client
        self._owns_client = client is None
        self._client_args = {"base_url": base_url, "api_key": api_key}

    @property
    def client(self) -> Any:
        if self._client is None:
            from openai import AsyncOpenAI

            self._client = AsyncOpenAI(
                base_url=self._client_args["base_url"], api_key=self._client_args["api_key"] or "not-needed"
            )
        return self._client

    async def aclose(self) -> None:
        """Close the client this judge created: it belongs to the event loop of one run, and closing it
        later from the garbage collector fails with "Event loop is closed"."""
        client, self._client = self._client, (None if self._owns_client else self._client)
        if self._owns_client and client is not None:
            await client.close()

    def absent(self, ctx: ScoreContext) -> str | None:
        """A prompt that shows expected keywords cannot grade a case that has none."""
        if "{keywords}" in self.template and is_absent(_keywords(ctx)):
            return "the judge's prompt shows expected keywords, and the case has none ('expected' or metadata.keywords)"
        return super().absent(ctx)

    def render(self, ctx: ScoreContext) -> str:
        keywords = _keywords(ctx)
        if isinstance(keywords, list):
            keywords = ", ".join(str(k) for k in keywords)
        question = ctx.case.input if isinstance(ctx.case.input, str) else json.dumps(ctx.case.input, sort_keys=True)
        return self.template.format(rubric=self.rubric, question=question, keywords=keywords or "", answer=ctx.text)

    async def score(self, ctx: ScoreContext) -> Score:
        messages = [{"role": "user", "content": self.render(ctx)}]
        with (
            feature(JUDGE_FEATURE),
            llm_call(
                self.model,
                provider=self.provider,
                prompt_name=self.name,
                prompt_version=self.prompt_version,
                temperature=0.0,
                attributes={semconv.HARNESS_EVAL_JUDGE_MODEL: self.model},
            ) as call,
        ):
            response = await self.client.chat.completions.create(model=self.model, messages=messages, temperature=0)
            usage = response.usage
            call.set_response(
                model=response.model, id=response.id, finish_reasons=[c.finish_reason for c in response.choices]
            )
            if usage is not None:
                call.record_usage(input_tokens=usage.prompt_tokens, output_tokens=usage.completion_tokens)
        return self.parse(response.choices[0].message.content or "")

    def parse(self, text: str) -> Score:
        try:
            data = json.loads(text[text.index("{") : text.rindex("}") + 1])
            value = min(1.0, max(0.0, float(data["score"])))
        except (ValueError, KeyError, TypeError):
            return Score(0.0, False, "unparseable", f"judge reply is not the JSON asked for: {text[:200]!r}")
        reasoning = str(data.get("reasoning", ""))
        passed = value >= self.threshold
        return Score(value, passed, "pass" if passed else "fail", reasoning)


def _keywords(ctx: ScoreContext) -> Any:
    return ctx.case.metadata.get("keywords", ctx.case.expected)
