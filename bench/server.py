"""Throughput of the same GGUF model in-process (llama.cpp through xllamacpp) and behind
`summarize serve` (HTTP, OpenAI API), at 1, 2 and 4 concurrent requests.

Translates the first N lines of FLORES-200 devtest (French) with the real translate task and prints
lines/min and generated tokens/s per configuration; the gap between the two rows of a level is the
cost of the HTTP hop (JSON, a TCP connection per request, the server's own threads).

    python bench/server.py                 # N=30, default model, all cores
    python bench/server.py -n 4 --levels 1,2
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from summarizer import Summarizer
from summarizer.models import resolve
from summarizer.runtimes import load_runtime
from summarizer.runtimes.base import Runtime
from summarizer.runtimes.openai import OpenAIRuntime

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT.parent / "shared" / "data" / "flores200-devtest-fra-eng" / "src.fr"
#: Context per slot: one FLORES line with the few-shot prompt fits easily.
CONTEXT = 2048


@contextmanager
def served(model: str, slots: int, threads: int | None) -> Iterator[str]:
    """`summarize serve` on a free loopback port; yields its base URL, stops it with SIGTERM."""
    cmd = [sys.executable, "-c", "from summarizer.cli import run; run()", "serve", "-m", model,
           "--port", "0", "--parallel", str(slots), "--context", str(CONTEXT)]
    if threads:
        cmd += ["--threads", str(threads)]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"}
    env.pop("SUMMARIZER_API_KEY", None)
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        seen = ""
        for line in proc.stderr:  # blocks until the server reports its address, or exits
            seen += line
            match = re.search(r"at (http://127\.0\.0\.1:\d+/v1)", line)
            if match:
                yield match[1]
                break
        else:
            raise SystemExit(f"`summarize serve` exited with {proc.wait()}:\n{seen}")
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()


def measure(label: str, level: int, runtime: Runtime, lines: list[str]) -> None:
    result = Summarizer(runtime=runtime).translate_lines(lines)  # the API's translator on this runtime
    errors = sum(any(i.startswith("error") for i in s.issues) for s in result.segments)
    print(
        f"{label:<10} {level:>4} {len(lines):>6} {result.seconds:>8.1f} {len(lines) / result.seconds * 60:>10.1f} "
        f"{result.completion_tokens / result.seconds:>10.1f} {errors:>7}",
        flush=True,
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=30, help="lines to translate (default 30)")
    ap.add_argument("-m", "--model", default=None, help="GGUF model id or path (default: the default model)")
    ap.add_argument("--levels", default="1,2,4", help="concurrent requests to try (default 1,2,4)")
    ap.add_argument("--threads", type=int, default=None, help="CPU threads for llama.cpp (default: all cores)")
    ap.add_argument("--src", type=Path, default=SRC, help=f"French source, one segment a line (default {SRC})")
    args = ap.parse_args()

    spec = resolve(args.model)
    if spec.runtime != "llamacpp":
        raise SystemExit(f"{spec.id} is not a GGUF model; only those can be served")
    lines = args.src.read_text(encoding="utf-8").splitlines()[: args.n]
    levels = [int(x) for x in args.levels.split(",")]
    print(f"{spec.id}, {len(lines)} lines of {args.src.name}, threads={args.threads or os.cpu_count()}")
    print(f"{'runtime':<10} {'conc':>4} {'lines':>6} {'seconds':>8} {'lines/min':>10} {'gen tok/s':>10} {'errors':>7}")
    for level in levels:
        with load_runtime(spec, threads=args.threads, parallel=level, context=CONTEXT) as runtime:
            measure("in-process", level, runtime, lines)
    # One server with as many slots as the highest level; the client's parallelism sets the load.
    started = time.perf_counter()
    with served(spec.id, max(levels), args.threads) as url:
        print(f"(server up in {time.perf_counter() - started:.1f} s at {url})", file=sys.stderr)
        for level in levels:
            with OpenAIRuntime(url, parallel=level, model_id=spec.id) as runtime:
                measure("server", level, runtime, lines)


if __name__ == "__main__":
    main()
