"""A scripted runtime for tests of the task layer: replies come from a function of the request."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from summarizer.runtimes.base import ChatRequest, Completion, OnResult, Runtime


class ScriptedRuntime(Runtime):
    name = "scripted"
    kind = "chat"

    def __init__(self, reply: Callable[[ChatRequest], str | Completion], model_id: str = "scripted") -> None:
        self.reply = reply
        self.model_id = model_id
        self.requests: list[ChatRequest] = []

    def chat(self, requests: Sequence[ChatRequest], on_result: OnResult | None = None) -> list[Completion]:
        out = []
        for i, req in enumerate(requests):
            self.requests.append(req)
            r = self.reply(req)
            c = r if isinstance(r, Completion) else Completion(text=r, finish_reason="stop", completion_tokens=len(r.split()))
            if on_result:
                on_result(i, c)
            out.append(c)
        return out

    def close(self) -> None:
        pass


def last_user(req: ChatRequest) -> str:
    return req.messages[-1]["content"]
