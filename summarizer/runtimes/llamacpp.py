"""llama.cpp runtime for GGUF checkpoints, through xllamacpp's in-process server.

The in-process server gives us llama.cpp's chat templates, continuous batching over `parallel`
slots, prompt-prefix caching and JSON-schema-constrained sampling without an HTTP hop.
Requests are submitted from a thread pool so that several slots decode at once.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import settings
from ..errors import ModelError
from .base import ChatRequest, Completion, OnResult, Runtime
from .prefix_cache import PrefixCache, ServerSlots, SlotError, SlotPrefix, llamacpp_setup, open_slot_files

if TYPE_CHECKING:
    from ..models import ModelSpec

log = logging.getLogger(__name__)


#: Host memory for llama.cpp's prompt cache (MiB). An article's state is ~40-60 MB with the default
#: model: room for the last twenty or so, where a brief needs its own back (a 256 MiB cap measured
#: slower on 3 briefs, 164 vs 153 s; llama.cpp's default, 8 GiB, lets a long batch grow that much).
CACHE_RAM_MIB = 1024


def server_params(path: Path, *, context: int, parallel: int, threads: int | None, verbose: bool) -> Any:
    """llama.cpp server parameters shared by the in-process runtime and `summarize serve`."""
    import xllamacpp

    p = xllamacpp.CommonParams()
    p.model.path = str(path)
    # llama.cpp splits n_ctx evenly between slots: give each slot the full window asked for.
    p.n_ctx = context * parallel
    p.n_parallel = parallel
    p.cpuparams.n_threads = p.cpuparams_batch.n_threads = threads or os.cpu_count() or 1
    # xllamacpp always opens an HTTP listener (port 0: a free one); keep it on loopback.
    p.hostnames = ["127.0.0.1"]
    p.endpoint_metrics = True  # needed by start_server's readiness check
    p.warmup = True
    # llama.cpp keeps the KV state of earlier prompts in host memory to restore them when a prompt
    # comes back (a brief's summary after its checks used the slots)
    p.cache_ram_mib = CACHE_RAM_MIB
    p.verbosity = 1 if verbose else -1
    p.log_json = False
    return p


def start_server(params: Any, path: Path) -> Any:
    """Start llama.cpp's server in-process and return once its decoding loop runs.

    Server() can return before the loop has started, and a stop requested in that window is
    lost, so dropping the server would hang. A metrics query goes through the loop's task
    queue: once it is answered, the loop runs and the server can be dropped safely."""
    import xllamacpp

    try:
        server = xllamacpp.Server(params)
    except Exception as exc:  # xllamacpp raises a bare RuntimeError for any start-up failure
        raise ModelError(f"llama.cpp could not start with {path}: {exc} (is it a valid GGUF file? "
                         f"is the port free?)") from exc
    server.handle_metrics()
    return server


class LlamaCppRuntime(Runtime):
    name = "llamacpp"
    kind = "chat"

    @classmethod
    def from_spec(cls, spec: ModelSpec, *, context: int, parallel: int = 1, threads: int | None = None,
                  verbose: bool = False, progress: Callable[[int, int], None] | None = None) -> LlamaCppRuntime:
        from ..models import local_path

        runtime = cls(local_path(spec, progress=progress), model_id=spec.id, context=context, parallel=parallel,
                      threads=threads, verbose=verbose)
        runtime.context = context
        return runtime

    def __init__(
        self,
        path: Path,
        *,
        model_id: str,
        context: int = 8192,
        parallel: int = 1,
        threads: int | None = None,
        verbose: bool = False,
    ) -> None:
        self.model_id = model_id
        self.parallel = max(1, parallel)
        started = time.perf_counter()
        self._params = server_params(path, context=context, parallel=self.parallel, threads=threads, verbose=verbose)
        prefix_dir = settings.prefix_cache_dir()
        if prefix_dir:
            open_slot_files(self._params, prefix_dir)
        self._server = start_server(self._params, path)
        cache = PrefixCache(prefix_dir, llamacpp_setup(self._params)) if prefix_dir else None
        self._prefix = SlotPrefix(ServerSlots(self._server, self._params), cache)
        self.load_seconds = time.perf_counter() - started
        self._pool = ThreadPoolExecutor(max_workers=self.parallel, thread_name_prefix="llamacpp")

    def _one(self, req: ChatRequest) -> Completion:
        body = {**req.openai_body(), "cache_prompt": True}
        if req.temperature == 0:
            body["top_k"] = 1
        started = time.perf_counter()
        out = self._server.handle_chat_completions(body)
        seconds = time.perf_counter() - started
        if isinstance(out, dict) and "error" in out:
            return Completion(text="", finish_reason="error", seconds=seconds, error=str(out["error"]))
        return Completion.from_openai(out, seconds)

    def cache_prefix(self, messages: list[dict[str, str]]) -> None:
        """Start every slot from the prefix computed alone, loaded from the prefix cache when it is on
        (once while the task stays the same: `SlotPrefix`)."""
        try:
            self._prefix.ensure(messages)
        except SlotError as exc:  # e.g. a prefix longer than a slot: the requests will say so themselves
            log.warning("prompt prefix not prepared: %s", exc)

    def chat(self, requests: Sequence[ChatRequest], on_result: OnResult | None = None) -> list[Completion]:
        def run(i: int) -> Completion:
            completion = self._one(requests[i])
            if on_result:
                on_result(i, completion)
            return completion

        # Longest budget first: the slots then end the batch on short requests together, instead of one
        # slot decoding a long paragraph alone at the end (single-stream speed) while the other idles.
        order = sorted(range(len(requests)), key=lambda i: -requests[i].max_tokens)
        results = dict(zip(order, self._pool.map(run, order)))
        return [results[i] for i in range(len(requests))]

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        self._server = self._prefix = None  # the slots hold the server too
