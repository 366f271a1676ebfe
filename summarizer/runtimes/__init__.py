"""Runtimes: one interface (`Runtime`), one module per engine, imported only when used
so that `summarize --help` never pays for torch or llama.cpp."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..errors import ModelError
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
    """Resolve the model's files (assembling embedded parts on first use) and load it."""
    from ..models import local_path

    context = min(context or DEFAULT_CONTEXT, spec.context)
    if spec.runtime == "openai":
        from .openai import OpenAIRuntime

        return OpenAIRuntime.from_spec(spec, parallel=parallel)
    path = local_path(spec, progress=progress)
    runtime: Runtime
    if spec.runtime == "llamacpp":
        from .llamacpp import LlamaCppRuntime

        runtime = LlamaCppRuntime(
            path, model_id=spec.id, context=context, parallel=parallel, threads=threads, verbose=verbose
        )
    elif spec.runtime == "transformers":
        from .transformers_rt import TransformersRuntime

        gguf = path.name if path.is_file() else None
        runtime = TransformersRuntime(
            path.parent if gguf else path,
            model_id=spec.id,
            gguf_file=gguf,
            threads=threads,
            batch_size=max(parallel, 1),
            params=spec.params,
        )
    else:
        raise ModelError(f"unknown runtime {spec.runtime!r} for model {spec.id}")
    runtime.context = context
    return runtime
