"""Runtimes: one interface (`Runtime`), one module per engine, imported only when used
so that `summarize --help` never pays for torch or llama.cpp."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..engines import engine
from .base import ChatRequest, Completion, Runtime

if TYPE_CHECKING:
    from ..models import ModelSpec

__all__ = ["ChatRequest", "Completion", "Runtime", "load_runtime"]

#: Context window we actually allocate per slot; manifests state the model's maximum.
DEFAULT_CONTEXT = 8192


def load_runtime(
    spec: ModelSpec,
    *,
    threads: int | None = None,
    parallel: int = 1,
    context: int | None = None,
    verbose: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Runtime:
    """Load the model on the engine its manifest names (imported only now), resolving its files first
    (assembling embedded parts on first use, with `progress`)."""
    runtime_class = engine(spec.runtime).runtime_class()
    return runtime_class.from_spec(spec, context=min(context or DEFAULT_CONTEXT, spec.context), parallel=parallel,
                                   threads=threads, verbose=verbose, progress=progress)
