"""The Python front door: one object that loads a model once and runs every task with the same
options. The CLI and batch mode go through it, so an option added here reaches every path.

    from summarizer import Summarizer, load_document

    with Summarizer(quality="balanced") as s:       # the embedded default model
        doc = load_document("article.fr.txt")
        print(s.translate(doc).text())
        print(s.brief(doc).model_dump_json(indent=2))
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import settings
from .documents import Document, read_document
from .engines import require
from .errors import InputError, ModelError
from .glossary import Glossary, default_glossary

if TYPE_CHECKING:
    from .brief import Briefer
    from .models import ModelSpec
    from .runtimes.base import Runtime
    from .schema import Brief
    from .translate import Translation, Translator

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Options:
    """Everything that changes an output besides the model and the input (batch records it in its
    resume key). `quality`: fast | balanced | best; `candidates` overrides the level's count;
    `extract_from`: french | english, what a brief reads its decisions from."""

    quality: str = "balanced"
    candidates: int | None = None
    extract_from: str = "french"
    glossary: Path | None = None
    keep_boilerplate: bool = False
    parallel: int = 2
    threads: int | None = None

    def __post_init__(self) -> None:
        from .brief import check_extract_from
        from .translate import MAX_CANDIDATES, QUALITY

        check_extract_from(self.extract_from)
        if self.quality not in QUALITY:
            raise InputError(f"unknown quality {self.quality!r}; choose one of {', '.join(QUALITY)}")
        if self.candidates is not None and not 1 <= self.candidates <= MAX_CANDIDATES:
            raise InputError(f"candidates must be between 1 and {MAX_CANDIDATES}, not {self.candidates}")
        if self.parallel < 1 or (self.threads is not None and self.threads < 1):
            raise InputError("parallel and threads must be at least 1")


def load_document(source: str | Path, *, keep_boilerplate: bool = False) -> Document:
    """Read a .txt, .md or .html article (or "-" for stdin) into a cleaned Document."""
    return read_document(source, keep_boilerplate=keep_boilerplate)


class Summarizer:
    """A model (an id, a path, a manifest, or a runtime already loaded), loaded on first use, with fixed
    options."""

    def __init__(self, model: str | ModelSpec | None = None, *, runtime: Runtime | None = None,
                 options: Options | None = None, verbose: bool = False, **option_values) -> None:
        self.options = options or Options(**option_values)
        self.glossary: Glossary = default_glossary(self.options.glossary)
        self._model, self._runtime, self._verbose = model, runtime, verbose
        self._spec: ModelSpec | None = None
        self._runtimes: dict[str, Runtime] = {}

    @property
    def spec(self) -> ModelSpec:
        """The model named at construction, else the default model (raises ModelError for an unknown one)."""
        if self._spec is None:
            from .models import ModelSpec, resolve

            self._spec = self._model if isinstance(self._model, ModelSpec) else resolve(self._model)
        return self._spec

    def spec_for(self, task: str) -> ModelSpec:
        """The model that does `task`: the one named at construction; else, to translate,
        SUMMARIZER_TRANSLATE_MODEL when set (say, a pulled opus-mt-fr-en), and the default model otherwise."""
        if self._model is None and task == "translate" and (ref := settings.TRANSLATE_MODEL.value()):
            from .models import resolve

            try:
                return resolve(ref)
            except ModelError as exc:
                raise ModelError(f"{settings.TRANSLATE_MODEL.name}={ref!r}: {exc}") from None
        return self.spec

    def require(self, task: str) -> None:
        """Refuse, before anything loads, a model that cannot do `task` (exit code 3)."""
        if self._runtime is not None:
            rt = self._runtime
            require(task, model_id=rt.model_id, interface=rt.kind, engine_name=None)
        else:
            spec = self.spec_for(task)
            require(task, model_id=spec.id, interface=spec.kind, engine_name=spec.runtime, declared=spec.tasks)

    def load(self, task: str, progress: Progress | None = None) -> Runtime:
        """The runtime that does `task`, loading it now if needed (assembling embedded weights, with
        `progress`). Two tasks on one model share one runtime."""
        self.require(task)
        if self._runtime is not None:
            return self._runtime
        spec = self.spec_for(task)
        if spec.id not in self._runtimes:
            from .runtimes import load_runtime

            self._runtimes[spec.id] = load_runtime(spec, threads=self.options.threads,
                                                   parallel=self.options.parallel, verbose=self._verbose,
                                                   progress=progress)
        return self._runtimes[spec.id]

    def translator(self) -> Translator:
        from .translate import Translator

        return Translator(self.load("translate"), self.glossary, quality=self.options.quality,
                          candidates=self.options.candidates)

    def briefer(self) -> Briefer:
        from .brief import Briefer

        return Briefer(self.load("brief"), self.glossary, quality=self.options.quality,
                       candidates=self.options.candidates, extract_from=self.options.extract_from)

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
              translation: Translation | None = None, progress: Progress | None = None) -> Brief:
        """English summary + grounded key decisions (schema brief-v1), with the article's translation
        when asked (`with_translation`) or given (`translation`, already made)."""
        from .brief import attach_translation

        doc = self._document(source)
        steps = 3 if with_translation and translation is None else 2
        result = self.briefer().brief(doc, progress=(lambda done, _: progress(done, steps)) if progress else None)
        if with_translation and translation is None:
            translation = self.translate(doc)
            if progress:
                progress(3, 3)
        return result if translation is None else attach_translation(result, translation)

    def view(self, wrap: Callable[[Runtime], Runtime]) -> Summarizer:
        """The same model(s) and options, each loaded runtime seen through `wrap` (batch mode counts
        one document's tokens and stops after Ctrl-C this way). Load what is needed first."""
        other = copy.copy(self)
        other._runtime = wrap(self._runtime) if self._runtime is not None else None
        other._runtimes = {key: wrap(runtime) for key, runtime in self._runtimes.items()}
        return other

    def close(self) -> None:
        """Close the runtimes this object loaded (a runtime passed in stays the caller's to close)."""
        for runtime in self._runtimes.values():
            runtime.close()
        self._runtimes.clear()

    def __enter__(self) -> Summarizer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
