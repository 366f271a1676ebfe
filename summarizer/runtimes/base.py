"""The one interface every runtime (llama.cpp, transformers, OpenAI-compatible server) implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from ..models import ModelSpec


@dataclass(frozen=True)
class ChatRequest:
    """One chat completion to run. Greedy (temperature 0) unless stated."""

    messages: list[dict[str, str]]
    max_tokens: int = 512
    json_schema: dict[str, Any] | None = None  # constrain output to this JSON Schema
    temperature: float = 0.0
    seed: int = 0
    stop: list[str] = field(default_factory=list)


    def openai_body(self) -> dict[str, Any]:
        """The request as OpenAI chat-completion fields (llama.cpp's server and OpenAI-compatible
        servers take the same body); JSON Schema goes in `response_format`."""
        body: dict[str, Any] = {
            "messages": self.messages,
            "max_tokens": self.max_tokens,
            "temperature": self.temperature,
            "seed": self.seed,
        }
        if self.stop:
            body["stop"] = self.stop
        if self.json_schema is not None:
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "output", "schema": self.json_schema, "strict": True},
            }
        return body


@dataclass
class Completion:
    text: str
    finish_reason: str  # "stop" | "length" | "error"
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    error: str | None = None  # set with finish_reason "error"

    @classmethod
    def from_openai(cls, out: Any, seconds: float) -> Completion:
        """An OpenAI chat-completion response (llama.cpp's server answers the same shape); anything
        else, or a finish that carries no usable text, becomes an error completion."""
        try:
            choice = out["choices"][0]
            text = choice["message"].get("content") or ""
            if not isinstance(text, str):  # a number, or a list of content parts: not what we asked for
                raise TypeError(f"message.content is a {type(text).__name__}, not a string")
            reason = choice.get("finish_reason") or "stop"
            usage = out.get("usage") or {}
            prompt_tokens = _count(usage.get("prompt_tokens"))
            completion_tokens = _count(usage.get("completion_tokens"))
        except (KeyError, IndexError, TypeError, AttributeError, ValueError) as exc:
            return cls(text="", finish_reason="error", seconds=seconds,
                       error=f"malformed response ({type(exc).__name__}: {exc}): {str(out)[:200]}")
        reason = "stop" if reason == "eos" else reason  # some servers say "eos" for a normal stop
        if reason not in ("stop", "length"):  # tool_calls, content_filter, abort: no usable text
            return cls(text=text, finish_reason="error", seconds=seconds, prompt_tokens=prompt_tokens,
                       completion_tokens=completion_tokens, error=f"finish_reason {reason!r}")
        return cls(text=text, finish_reason=reason, prompt_tokens=prompt_tokens,
                   completion_tokens=completion_tokens, seconds=seconds)


@dataclass
class Usage:
    """Tokens spent, counted from completions: the one counter behind a translation's, a brief's
    and a batch entry's token counts."""

    prompt_tokens: int = 0
    completion_tokens: int = 0

    def add(self, completions: Iterable[Completion]) -> Usage:
        """Count `completions` in; returns what they alone spent."""
        added = Usage()
        for c in completions:
            added.prompt_tokens += c.prompt_tokens
            added.completion_tokens += c.completion_tokens
        self.prompt_tokens += added.prompt_tokens
        self.completion_tokens += added.completion_tokens
        return added

    def snapshot(self) -> Usage:
        """A copy that later counting leaves alone: subtract it to get what a task spent since."""
        return replace(self)

    def __add__(self, other: Usage) -> Usage:
        return Usage(self.prompt_tokens + other.prompt_tokens, self.completion_tokens + other.completion_tokens)

    def __sub__(self, other: Usage) -> Usage:
        return Usage(self.prompt_tokens - other.prompt_tokens, self.completion_tokens - other.completion_tokens)


def _count(value: Any) -> int:
    """A usage token count: absent is 0; anything but a non-negative integer (a string, Infinity) is malformed."""
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"token count {value!r}")
    return value


OnResult = Callable[[int, Completion], None]


class Runtime(ABC):
    """A loaded model. `kind` says which calls it serves: chat models take messages,
    seq2seq models (Marian, NLLB) take source texts to translate."""

    name: str  # "llamacpp" | "transformers" | "openai"
    kind: Literal["chat", "seq2seq"] = "chat"
    model_id: str
    #: how many requests the runtime decodes at once (llama.cpp slots, batch size, HTTP concurrency)
    parallel: int = 1
    #: tokens one request may hold (prompt + answer); None where unknown (a remote server)
    context: int | None = None
    #: whether requests run on this machine's CPU cores (False for a server elsewhere): batch mode
    #: schedules documents by the local core count only for runtimes that use them
    local: bool = True

    @classmethod
    def from_spec(cls, spec: ModelSpec, *, context: int, parallel: int = 1, threads: int | None = None,
                  verbose: bool = False, progress: Callable[[int, int], None] | None = None) -> Runtime:
        """Load the model a manifest describes (what `load_runtime` calls through the engine table)."""
        raise NotImplementedError

    def chat(self, requests: Sequence[ChatRequest], on_result: OnResult | None = None) -> list[Completion]:
        """Run chat requests (concurrently where the runtime can); results in request order.
        `on_result(i, completion)` is called as each one finishes, for progress reporting."""
        raise NotImplementedError(f"{self.name} runtime with {self.model_id} is not a chat model")

    def cache_prefix(self, messages: list[dict[str, str]]) -> None:
        """Told that the coming requests open with `messages` (a task's system prompt and examples): a
        runtime that keeps their computed state (llama.cpp's slots) prepares it now, once for all."""

    def translate(
        self, texts: Sequence[str], max_tokens: int = 512, on_result: OnResult | None = None
    ) -> list[Completion]:
        """Translate source texts directly (seq2seq models only)."""
        raise NotImplementedError(f"{self.name} runtime with {self.model_id} is not a seq2seq translation model")

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> Runtime:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
