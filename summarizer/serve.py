"""`summarize serve`: a GGUF model behind an OpenAI-compatible HTTP API, via llama.cpp's own server.

xllamacpp's `Server(params)` is llama.cpp's `llama-server` in-process: its constructor starts the
HTTP listener on `params.hostnames`/`params.port` (port 0 picks a free one), loads the model, and
returns once the model is ready, leaving the HTTP threads and the decoding loop running in
background threads; dropping the object stops them. So serving is: build params, construct, wait
for a signal, drop. Other machines (or `-m openai-server` on this one) then use it through
`OpenAIRuntime`.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable

from .engines import require
from .models import ModelSpec, local_path
from .runtimes import DEFAULT_CONTEXT
from .runtimes.llamacpp import server_params, start_server


def serve(
    spec: ModelSpec,
    *,
    host: str = "127.0.0.1",
    port: int = 8080,
    parallel: int = 2,
    threads: int | None = None,
    context: int = DEFAULT_CONTEXT,
    api_key: str | None = None,
    verbose: bool = False,
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve `spec` until SIGINT or SIGTERM, then shut down cleanly. `on_ready(url)` is called once the
    model is loaded and requests are accepted. Must run in the main thread (it installs signal handlers)."""
    require("serve", model_id=spec.id, interface=spec.kind, engine_name=spec.runtime)
    path = local_path(spec)
    p = server_params(path, context=min(context, spec.context), parallel=max(1, parallel), threads=threads,
                      verbose=verbose)
    p.model_alias = {spec.id}  # what GET /v1/models reports, so clients can discover the name
    p.hostnames = [host]
    p.port = port
    p.api_keys = [api_key] if api_key else []

    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        server = start_server(p, path)
        if on_ready:
            on_ready(server.listening_address)
        stop.wait()
        del server  # stops the HTTP listener and the decoding loop, waiting for them to exit
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
