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


def seed_model(req: ChatRequest) -> str:
    """A chat model that briefs the seed article plausibly (one checked NATO decision) and translates
    every text as one NATO sentence: enough for the task layer to run end to end."""
    if req.json_schema and "decided_by" in req.json_schema["properties"]:
        return '{"decided_by": "NATO", "status": "adopted"}'
    if req.json_schema:
        return ('{"title_in_english": "NATO strengthens its Iraq mission", "decisions": [{"evidence_sentence_numbers": [2], '
                '"who_decided_in_english": "NATO", "what_was_decided_in_english": "NATO will send 3,500 troops to Iraq.", '
                '"status": "adopted", "when": null, "where": null, "figures": ["3,500"]}]}')
    return "NATO is strengthening its training mission in Iraq."
