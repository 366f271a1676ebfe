"""Batch mode against one `summarize brief` process per article, on the OrangeSum sample.

Sequential single-file calls reload the model for every article and decode one request at a
time; `summarize batch --parallel 2` loads it once and keeps one document per slot in flight (one
at a time on a machine with 2 cores or fewer: `batch.documents_at_once`). Prints
articles/min, generated tokens/s and peak RSS for each way, and the ratio.

Each way runs in a child of this script (`--way`), so that RUSAGE_CHILDREN's ru_maxrss, the
largest RSS among the processes it waited for, belongs to that way alone. `summarize brief`
does not report token counts: the sequential way is credited with the tokens the batch run
generated for the same articles (same prompts, greedy decoding), so its tokens/s is an estimate.

    python bench/batch.py              # all 30 articles: hours on a 2-core machine
    python bench/batch.py --limit 2
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ARTICLES = Path(__file__).resolve().parents[2] / "shared/data/orangesum-sample/articles"
SUMMARIZE = [sys.executable, "-m", "summarizer"]


def run_way(way: str, inp: Path, out: Path, model: str | None) -> dict[str, float]:
    """Run one way over `inp` (in this child process) and measure it."""
    extra = ["-m", model] if model else []
    started = time.perf_counter()
    if way == "sequential":
        out.mkdir(parents=True, exist_ok=True)
        codes = [subprocess.run([*SUMMARIZE, "brief", str(path), "-o", str(out / f"{path.stem}.brief.json"), *extra],
                                check=False, stdout=subprocess.DEVNULL).returncode
                 for path in sorted(inp.iterdir())]
    else:
        codes = [subprocess.run([*SUMMARIZE, "batch", str(inp), "-o", str(out), "--task", "brief", "--parallel", "2",
                                 *extra], check=False, stdout=subprocess.DEVNULL).returncode]
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    return {"seconds": seconds, "peak_rss_mib": peak_kib / 1024, "failed_calls": sum(c != 0 for c in codes)}


def measure(way: str, inp: Path, out: Path, model: str | None) -> dict[str, float]:
    cmd = [sys.executable, __file__, "--way", way, "--input", str(inp), "--output", str(out)]
    if model:
        cmd += ["--model", model]
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, help="Only the first N articles (by name).")
    parser.add_argument("--model", help="Model id or path (default: the default model).")
    parser.add_argument("--way", choices=["sequential", "batch"], help=argparse.SUPPRESS)
    parser.add_argument("--input", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--output", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.way:
        print(json.dumps(run_way(args.way, args.input, args.output, args.model)))
        return

    files = sorted(ARTICLES.glob("*.txt"))[: args.limit]
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        inp = Path(tmp, "in")
        inp.mkdir()
        for f in files:
            shutil.copy(f, inp / f.name)
        results = {way: measure(way, inp, Path(tmp, way), args.model) for way in ("batch", "sequential")}
        manifest = [json.loads(line) for line in Path(tmp, "batch", "manifest.jsonl").read_text().splitlines()]
    ok = sum(e["status"] == "ok" for e in manifest)
    tokens = sum(e["tokens"]["completion"] for e in manifest)
    print(f"{len(files)} article(s), {ok} briefed ok in the batch run, {tokens} generated tokens")
    print(f"{'way':<12}{'articles/min':>14}{'tokens/s':>12}{'peak RSS':>12}{'seconds':>10}")
    for way, r in results.items():
        note = (" (tokens/s est.)" if way == "sequential" else "") + (
            f" {r['failed_calls']} call(s) exited non-zero" if r["failed_calls"] else "")
        print(f"{way:<12}{len(files) / r['seconds'] * 60:>14.2f}{tokens / r['seconds']:>12.1f}"
              f"{r['peak_rss_mib']:>9.0f} MiB{r['seconds']:>10.0f}{note}")
    ratio = results["sequential"]["seconds"] / results["batch"]["seconds"]
    print(f"batch is {ratio:.2f}x the throughput of sequential single-file calls")


if __name__ == "__main__":
    main()
