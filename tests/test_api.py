"""The Python API: the README's example runs as written (on a scripted model), options reach the tasks."""

import re
from pathlib import Path

import pytest

import summarizer
from summarizer.errors import ModelError

from .fakes import ScriptedRuntime, seed_model

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def scripted(monkeypatch):
    loaded = []

    def load_runtime(spec, **kw):
        loaded.append((spec.id, kw))
        return ScriptedRuntime(seed_model, model_id=spec.id)

    monkeypatch.setattr("summarizer.runtimes.load_runtime", load_runtime)
    return loaded


def test_readme_example_runs(scripted, monkeypatch, capsys):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Use from Python", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    monkeypatch.chdir(ROOT)
    exec(compile(code, "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert "NATO is strengthening its training mission in Iraq." in out
    assert "adopted NATO NATO will send 3,500 troops to Iraq." in out
    assert [model for model, _ in scripted] == ["qwen2.5-coder-1.5b-instruct-q4km"]  # loaded once, both tasks


def test_options_reach_the_runtime_and_the_translator(scripted):
    with summarizer.Summarizer(quality="best", candidates=2, parallel=3, threads=1) as s:
        result = s.translate_lines(["L'Otan renforce sa mission en Irak."])
    assert result.segments[0].attempts == 2  # two candidates made
    assert scripted[0][1]["parallel"] == 3 and scripted[0][1]["threads"] == 1


def test_a_model_that_cannot_brief_is_refused_before_loading(scripted):
    with pytest.raises(ModelError, match="cannot write a brief: it is a seq2seq model"):
        summarizer.Summarizer("opus-mt-fr-en").brief(ROOT / "seeds" / "otan-irak-2021.fr.txt")
    assert scripted == []
