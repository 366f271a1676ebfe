"""What each engine can do and what each task needs: the one place a model is judged fit for a task.

Engines are named lazily ("module:Class", as sacrebleu names its metrics) so that reading this table
never imports torch or llama.cpp. Manifests are validated against it, the runtime loader imports
through it, and `require` refuses an unfit model before anything loads, always with exit code 3.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING

from .errors import ModelError

if TYPE_CHECKING:
    from .runtimes.base import Runtime

#: How a model is addressed: `chat` models take messages, `seq2seq` models take source texts.
INTERFACES = ("chat", "seq2seq")


@dataclass(frozen=True)
class Engine:
    name: str
    target: str  # "summarizer.runtimes.llamacpp:LlamaCppRuntime"
    #: interfaces it can drive, plus `json_schema` (constrained output) and `serve` (summarize serve)
    capabilities: frozenset[str]

    def runtime_class(self) -> type[Runtime]:
        module, _, name = self.target.partition(":")
        return getattr(import_module(module), name)


ENGINES: dict[str, Engine] = {
    e.name: e
    for e in (
        Engine("llamacpp", "summarizer.runtimes.llamacpp:LlamaCppRuntime",
               frozenset({"chat", "json_schema", "serve"})),
        Engine("transformers", "summarizer.runtimes.transformers_rt:TransformersRuntime",
               frozenset({"chat", "seq2seq", "json_schema"})),
        Engine("openai", "summarizer.runtimes.openai:OpenAIRuntime", frozenset({"chat", "json_schema"})),
    )
}

#: Per task: the interfaces that can do it, and what the engine must offer besides.
TASKS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "translate": (frozenset({"chat", "seq2seq"}), frozenset()),
    "brief": (frozenset({"chat"}), frozenset({"json_schema"})),
    "serve": (frozenset({"chat"}), frozenset({"serve"})),
}
_DOING = {"translate": "translate", "brief": "write a brief", "serve": "be served"}


def engine(name: str) -> Engine:
    try:
        return ENGINES[name]
    except KeyError:
        raise ModelError(f"unknown runtime {name!r} (known: {', '.join(ENGINES)})") from None


def unfit(task: str, *, interface: str, engine_name: str | None,
          declared: tuple[str, ...] | list[str] | None = None) -> str | None:
    """Why a model cannot do `task`, or None when it can. `engine_name` None: a runtime object handed
    in by a Python caller, judged by its interface alone. `declared`: the tasks its manifest lists
    (a manifest may withhold a task the engine could run, e.g. a chat model too weak to brief)."""
    interfaces, needs = TASKS[task]
    if interface not in interfaces:
        return f"it is a {interface} model, and only {' or '.join(sorted(interfaces))} models can"
    if engine_name is not None and interface not in engine(engine_name).capabilities:
        return f"the {engine_name} runtime cannot run {interface} models"
    if engine_name is not None and (missing := needs - engine(engine_name).capabilities):
        able = [e.name for e in ENGINES.values() if needs <= e.capabilities]
        return f"it runs on {engine_name}, and only {' or '.join(able)} models can"
    if declared is not None and task in ("translate", "brief") and task not in declared:
        return f"it does not serve `{task}` (it serves: {', '.join(declared)})"
    return None


def require(task: str, *, model_id: str, interface: str, engine_name: str | None,
            declared: tuple[str, ...] | list[str] | None = None) -> None:
    """Raise ModelError (exit code 3) when the model cannot do `task`."""
    if why := unfit(task, interface=interface, engine_name=engine_name, declared=declared):
        raise ModelError(f"model {model_id} cannot {_DOING[task]}: {why}")
