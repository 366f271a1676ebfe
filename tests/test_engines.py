"""The engine table: runtimes load lazily through it, and a model is judged fit for a task in one place."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import summarizer
from summarizer import engines
from summarizer.engines import ENGINES, Engine, require, unfit
from summarizer.errors import ModelError
from summarizer.models import resolve
from summarizer.runtimes.base import Completion

from .fakes import ScriptedRuntime, seed_model

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "otan-irak-2021.fr.txt"


class RecordingRuntime(ScriptedRuntime):
    """A runtime registered as an engine (as `llm` tests register a mock model): `from_spec` records its
    arguments; chats like `seed_model`, and as a seq2seq model translates every text as "EN"."""

    loaded: list[tuple[str, dict]] = []
    closed: list[str] = []

    @classmethod
    def from_spec(cls, spec, **kw):
        cls.loaded.append((spec.id, kw))
        runtime = cls(seed_model, model_id=spec.id)
        runtime.kind = spec.kind
        return runtime

    def translate(self, texts, max_tokens=512, on_result=None):
        out = [Completion(text="EN", finish_reason="stop", completion_tokens=1) for _ in texts]
        for i, c in enumerate(out):
            if on_result:
                on_result(i, c)
        return out

    def close(self) -> None:
        RecordingRuntime.closed.append(self.model_id)


@pytest.fixture
def registered(monkeypatch):
    """Every engine name loads RecordingRuntime, through the real table and the real `load_runtime`."""
    RecordingRuntime.loaded, RecordingRuntime.closed = [], []
    for name, e in list(ENGINES.items()):
        monkeypatch.setitem(ENGINES, name, Engine(name, "tests.test_engines:RecordingRuntime", e.capabilities))
    monkeypatch.setattr("summarizer.models.local_path", lambda spec, progress=None: ROOT)
    return RecordingRuntime


def test_reading_the_table_imports_no_engine():
    code = ("import sys, summarizer.engines, summarizer.runtimes; "
            "print(any(m in sys.modules for m in ('torch', 'xllamacpp', 'transformers')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"


def test_each_engine_names_a_runtime_class_that_exists():
    for e in ENGINES.values():
        module, _, name = e.target.partition(":")
        source = (ROOT / Path(*module.split("."))).with_suffix(".py").read_text(encoding="utf-8")
        assert f"class {name}(Runtime)" in source, e.target


@pytest.mark.parametrize(
    ("task", "interface", "engine_name", "declared", "why"),
    [
        ("translate", "chat", "llamacpp", ["translate", "brief"], None),
        ("translate", "seq2seq", "transformers", ["translate"], None),
        ("brief", "seq2seq", "transformers", ["translate"], "it is a seq2seq model, and only chat models can"),
        ("brief", "chat", "transformers", ["translate"], "it does not serve `brief` (it serves: translate)"),
        ("brief", "chat", "openai", ["translate", "brief"], None),
        ("serve", "chat", "llamacpp", ["translate", "brief"], None),
        ("serve", "chat", "openai", ["translate", "brief"], "it runs on openai, and only llamacpp models can"),
        ("serve", "chat", "transformers", ["translate", "brief"], "it runs on transformers, and only llamacpp models can"),
        ("translate", "seq2seq", "llamacpp", ["translate"], "the llamacpp runtime cannot run seq2seq models"),
        ("brief", "seq2seq", None, None, "it is a seq2seq model, and only chat models can"),
        ("brief", "chat", None, None, None),
    ],
)
def test_fitness_is_decided_from_interface_engine_and_manifest(task, interface, engine_name, declared, why):
    assert unfit(task, interface=interface, engine_name=engine_name, declared=declared) == why


def test_unfit_model_is_a_model_error_with_exit_code_3():
    with pytest.raises(ModelError, match="model m cannot be served") as info:
        require("serve", model_id="m", interface="chat", engine_name="openai")
    assert info.value.exit_code == 3
    with pytest.raises(ModelError, match="unknown runtime 'vllm'"):
        engines.engine("vllm")


def test_load_runtime_goes_through_the_table_with_every_option(registered):
    from summarizer.runtimes import load_runtime

    runtime = load_runtime(resolve(None), threads=3, parallel=4, context=100_000, verbose=True)
    assert isinstance(runtime, RecordingRuntime)
    (model_id, kw), = registered.loaded
    assert kw["threads"] == 3 and kw["parallel"] == 4 and kw["verbose"] is True
    assert kw["context"] == resolve(None).context  # capped at what the manifest allows


def test_translate_model_setting_translates_while_the_default_briefs(registered, monkeypatch):
    monkeypatch.setenv("SUMMARIZER_TRANSLATE_MODEL", "opus-mt-fr-en")
    with summarizer.Summarizer() as s:
        brief = s.brief(SEED, with_translation=True)
        translation = s.translate(SEED)
    default = resolve(None).id
    assert [m for m, _ in registered.loaded] == [default, "opus-mt-fr-en"]  # each loaded once
    assert brief.model.id == default and translation.model == "opus-mt-fr-en"
    assert brief.translation and set(brief.translation.split()) == {"EN"}
    assert sorted(registered.closed) == sorted([default, "opus-mt-fr-en"])


def test_a_named_model_does_every_task_whatever_the_setting(registered, monkeypatch):
    monkeypatch.setenv("SUMMARIZER_TRANSLATE_MODEL", "opus-mt-fr-en")
    default = resolve(None).id
    with summarizer.Summarizer(default) as s:
        s.translate(SEED)
    assert [m for m, _ in registered.loaded] == [default]


def test_a_bad_translate_model_setting_is_named_in_the_error(registered, monkeypatch):
    monkeypatch.setenv("SUMMARIZER_TRANSLATE_MODEL", "no-such-model")
    with pytest.raises(ModelError, match="SUMMARIZER_TRANSLATE_MODEL='no-such-model'"):
        summarizer.Summarizer().translate(SEED)
    assert registered.loaded == []


@pytest.mark.parametrize(
    ("runtime", "kind", "tasks", "error"),
    [
        ("llamacpp", "seq2seq", ["translate"], "the llamacpp runtime cannot run seq2seq models"),
        ("transformers", "seq2seq", ["translate", "brief"], "tasks lists brief, but it is a seq2seq model"),
        ("openai", "chat", ["translate", "brief"], None),
    ],
)
def test_manifests_are_checked_against_the_same_table(runtime, kind, tasks, error):
    from pydantic import ValidationError

    from summarizer.models import ModelSpec

    source = {"type": "server", "base_url": "http://127.0.0.1:8080/v1"} if runtime == "openai" else \
        {"type": "path", "path": "/models/m.gguf"}
    data = {"id": "m", "name": "m", "runtime": runtime, "kind": kind, "tasks": tasks, "licence": "x",
            "context": 4096, "source": source}
    if error is None:
        assert ModelSpec.model_validate(data).tasks == tasks
    else:
        with pytest.raises(ValidationError, match=error):
            ModelSpec.model_validate(data)
