"""The Python front door: one object that loads a model once and runs every task with the same
options. The CLI and batch mode go through it, so an option added here reaches every path.

    from summarizer import Summarizer, load_document

    with Summarizer(quality="balanced") as s:       # the embedded default model
        doc = load_document("article.fr.txt")
        print(s.translate(doc).text())
        print(s.brief(doc).model_dump_json(indent=2))
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .documents import Document, read_document
from .errors import ModelError
from .glossary import Glossary, default_glossary

if TYPE_CHECKING:
    from .models import ModelSpec
    from .runtimes.base import Runtime
    from .schema import Brief
    from .translate import Translation

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Options:
    """Everything that changes an output besides the model and the input (batch records it in its
    resume key). `quality`: fast | balanced | best; `candidates` overrides the level's count."""

    quality: str = "balanced"
    candidates: int | None = None
    glossary: Path | None = None
    keep_boilerplate: bool = False
    parallel: int = 2
    threads: int | None = None


def load_document(source: str | Path, *, keep_boilerplate: bool = False) -> Document:
    """Read a .txt, .md or .html article (or "-" for stdin) into a cleaned Document."""
    return read_document(source, keep_boilerplate=keep_boilerplate)


class Summarizer:
    """A model, loaded on first use (or a runtime already loaded), with fixed options."""

    def __init__(self, model: str | None = None, *, runtime: Runtime | None = None,
                 options: Options | None = None, verbose: bool = False, **option_values) -> None:
        self.options = options or Options(**option_values)
        self.glossary: Glossary = default_glossary(self.options.glossary)
        self._model, self._runtime, self._verbose = model, runtime, verbose
        self._spec: ModelSpec | None = None

    @property
    def spec(self) -> ModelSpec:
        """The resolved model manifest (raises ModelError for an unknown model)."""
        if self._spec is None:
            from .models import resolve

            self._spec = resolve(self._model)
        return self._spec

    def require(self, task: str) -> None:
        """Refuse, before anything loads, a model that does not serve `task` (exit code 3)."""
        if self._runtime is None and task not in self.spec.tasks:
            raise ModelError(f"model {self.spec.id} does not serve `{task}` (it serves: {', '.join(self.spec.tasks)})")

    def load(self, task: str | None = None, progress: Progress | None = None) -> Runtime:
        """The runtime, loading it now if needed (assembling embedded weights, with `progress`)."""
        if task:
            self.require(task)
        if self._runtime is None:
            from .runtimes import load_runtime

            self._runtime = load_runtime(self.spec, threads=self.options.threads, parallel=self.options.parallel,
                                         verbose=self._verbose, progress=progress)
        return self._runtime

    def translator(self):
        from .translate import Translator

        return Translator(self.load("translate"), self.glossary, quality=self.options.quality,
                          candidates=self.options.candidates)

    def _document(self, source: str | Path | Document) -> Document:
        if isinstance(source, Document):
            return source
        return load_document(source, keep_boilerplate=self.options.keep_boilerplate)

    def translate(self, source: str | Path | Document, progress: Progress | None = None) -> Translation:
        """English translation of an article, one output line per source line."""
        return self.translator().translate_document(self._document(source), progress)

    def translate_lines(self, lines: Sequence[str], progress: Progress | None = None) -> Translation:
        """One translation per line, in order (test sets: FLORES, WMT)."""
        return self.translator().translate_lines(lines, progress)

    def brief(self, source: str | Path | Document, *, with_translation: bool = False,
              progress: Progress | None = None) -> Brief:
        """English summary + grounded key decisions (schema brief-v1), optionally with the translation."""
        from .brief import Briefer

        briefer = Briefer(self.load("brief"), self.glossary)
        return briefer.brief(self._document(source), translator=self.translator() if with_translation else None,
                             progress=progress)

    def close(self) -> None:
        if self._runtime is not None:
            self._runtime.close()

    def __enter__(self) -> Summarizer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
