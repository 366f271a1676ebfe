"""Every `translate` option that changes an output reaches the translation made by `brief
--with-translation` and by `batch` (translate and all), because all three go through `Summarizer`.

The CLI runs in-process with the real engine table and `load_runtime` replaced by a recorder, so
what each option did is read off the requests the model received.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer import cli
from summarizer.runtimes.base import ChatRequest

from .fakes import ScriptedRuntime, last_user

ARTICLE = """Le conseil municipal vote le budget

Le conseil municipal a voté le budget mardi.

Publicité
"""
ENGLISH = {  # clean translations: no check fails, so no retry blurs the request counts
    "Le conseil municipal a voté le budget mardi.": "The city council voted on the budget on Tuesday.",
    "Le conseil municipal vote le budget": "The city council votes on the budget",
    "Publicité": "Advertisement",
}


def reply(req: ChatRequest) -> str:
    if req.json_schema and "decided_by" in req.json_schema["properties"]:
        return '{"is_decision": true, "decided_by": "the city council", "status": "adopted"}'
    if req.json_schema:
        return '{"title_in_english": "The city council votes on the budget", "decisions": []}'
    text = last_user(req)
    for french, english in ENGLISH.items():
        if text.endswith(french):
            return english
    return "The city council voted on the budget on Tuesday."


@pytest.fixture
def recorded(monkeypatch, tmp_path):
    """(model id, runtime) per load; each runtime keeps its requests."""
    loads: list[tuple[str, ScriptedRuntime]] = []

    def load_runtime(spec, **kw):
        runtime = ScriptedRuntime(reply, model_id=spec.id)
        loads.append((spec.id, runtime))
        return runtime

    monkeypatch.setattr("summarizer.runtimes.load_runtime", load_runtime)
    monkeypatch.setenv("SUMMARIZER_CACHE", str(tmp_path / "cache"))
    return loads


def translation_requests(loads) -> list[ChatRequest]:
    return [r for _, rt in loads for r in rt.requests if r.json_schema is None and
            any(last_user(r).endswith(french) for french in ENGLISH)]


def run(tmp_path: Path, path: str, *options: str) -> None:
    tmp_path.mkdir(exist_ok=True)
    article = tmp_path / "a.fr.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    args = {
        "brief": ["brief", str(article), "--with-translation", "-o", str(tmp_path / "a.brief.json")],
        "batch-translate": ["batch", str(tmp_path), "-o", str(tmp_path / "out"), "--task", "translate"],
        "batch-all": ["batch", str(tmp_path), "-o", str(tmp_path / "out"), "--task", "all"],
        "translate": ["translate", str(article), "-o", str(tmp_path / "a.en.txt")],
    }[path]
    result = CliRunner().invoke(cli.app, [*args, *options])
    assert result.exit_code == 0, result.output


PATHS = ["translate", "brief", "batch-translate", "batch-all"]


def tries(path: str, n: int) -> dict[str, int]:
    """Requests per French line when each translation takes `n`: a brief also translates the body's
    vote, which no extracted decision cites, to describe it (`Briefer.verify`) and for its summary (the
    lede's whole sentences) — once, its translator recalling it the second time (`translate.MEMO_SIZE`)."""
    brief = path in ("brief", "batch-all")
    return {"Le conseil municipal vote le budget": n, "Le conseil municipal a voté le budget mardi.": n * (1 + brief)}


def per_line(loads) -> dict[str, int]:
    return dict(Counter(next(f for f in ENGLISH if last_user(r).endswith(f)) for r in translation_requests(loads)))


@pytest.mark.parametrize("path", PATHS)
def test_candidates_reach_every_translation(recorded, tmp_path, path):
    run(tmp_path, path, "--candidates", "3")
    assert per_line(recorded) == tries(path, 3)


@pytest.mark.parametrize("path", PATHS)
def test_quality_reaches_every_translation(recorded, tmp_path, path):
    run(tmp_path, path, "--quality", "fast")  # fast: one candidate, no retry
    requests = translation_requests(recorded)
    assert requests and all(len(r.messages) == 2 for r in requests)
    assert per_line(recorded) == tries(path, 1)


@pytest.mark.parametrize("path", PATHS)
def test_glossary_reaches_every_translation(recorded, tmp_path, path):
    glossary = tmp_path.parent / f"{tmp_path.name}-terms.tsv"
    glossary.write_text("conseil municipal\tmunicipal board\n", encoding="utf-8")
    run(tmp_path, path, "--glossary", str(glossary))
    requests = translation_requests(recorded)
    assert requests and all("municipal board" in last_user(r) for r in requests if "conseil" in last_user(r))


@pytest.mark.parametrize("path", PATHS)
def test_keep_boilerplate_reaches_every_translation(recorded, tmp_path, path):
    run(tmp_path / "dropped", path)
    assert not any(last_user(r).endswith("Publicité") for r in translation_requests(recorded))
    run(tmp_path / "kept", path, "--keep-boilerplate")
    assert any(last_user(r).endswith("Publicité") for r in translation_requests(recorded))


@pytest.mark.parametrize("path", PATHS)
def test_model_option_picks_the_model_of_every_task(recorded, tmp_path, path):
    run(tmp_path, path, "-m", "qwen2.5-coder-0.5b-instruct-q4km")
    assert [model for model, _ in recorded] == ["qwen2.5-coder-0.5b-instruct-q4km"]


def test_batch_records_keep_boilerplate_in_its_resume_key(recorded, tmp_path):
    run(tmp_path, "batch-translate")
    run(tmp_path, "batch-translate", "--keep-boilerplate")  # a different output: redone without --force
    lines = [json.loads(line) for line in (tmp_path / "out" / "manifest.jsonl").read_text().splitlines()]
    assert [entry["keep_boilerplate"] for entry in lines if entry["status"] == "ok"] == [False, True]
