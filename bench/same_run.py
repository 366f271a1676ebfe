"""The tool against a raw llama.cpp script on the same lines, in one run: A B A B, so every speed
claim is a ratio measured side by side, with the quality of both.

    python bench/same_run.py [--lines 1-20] [--pairs 2] [--threads N]
    python bench/same_run.py --seed [--pairs 2]     # the seed article, as an article
    python bench/same_run.py --quality fast         # the tool without its retry

With `--seed`, A is `summarize translate` on the seed article and B sends the article's non-empty
lines, one request each (what the tool translates); there is no reference, so no score.

A (tool): `summarize translate --lines FILE` (its prompt prefix, checks and retries, model load).
B (raw): a plain script that loads the same GGUF file with xllamacpp (2 slots) and sends one
request per line with a one-line system prompt. Each run is a fresh process, load included.
Prints each run's wall time, the ratio tool/raw for each pair and their median, and chrF/BLEU of
both against the FLORES-200 references (sacrebleu).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLORES = ROOT.parent / "shared" / "data" / "flores200-devtest-fra-eng"
SEED = ROOT / "seeds" / "otan-irak-2021.fr.txt"

RAW = r'''
import json, os, sys
from concurrent.futures import ThreadPoolExecutor
import xllamacpp
path, src, out, threads = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
p = xllamacpp.CommonParams()
p.model.path = path
p.n_ctx, p.n_parallel = 2 * 4096, 2
p.cpuparams.n_threads = p.cpuparams_batch.n_threads = threads
p.hostnames, p.endpoint_metrics, p.verbosity = ["127.0.0.1"], True, -1
server = xllamacpp.Server(p)
server.handle_metrics()
lines = open(src, encoding="utf-8").read().splitlines()
def one(line):
    body = {"messages": [{"role": "system", "content": "Translate the user's French text into English. Output only the translation."},
                         {"role": "user", "content": line}], "max_tokens": int(len(line) / 2.5) + 48, "temperature": 0, "top_k": 1}
    return " ".join(server.handle_chat_completions(body)["choices"][0]["message"]["content"].split())
with ThreadPoolExecutor(2) as pool:
    outputs = list(pool.map(one, lines))
open(out, "w", encoding="utf-8").write("\n".join(outputs) + "\n")
'''


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lines", default="1-20", help="FLORES devtest lines, 1-based inclusive range")
    ap.add_argument("--pairs", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", action="store_true", help="the seed article instead of FLORES lines")
    ap.add_argument("--quality", default="balanced", help="the tool's --quality (fast: no retry)")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from sacrebleu.metrics import BLEU, CHRF

    from summarizer.models import local_path, resolve

    if args.seed:
        src = [ln.strip() for ln in SEED.read_text(encoding="utf-8").splitlines() if ln.strip()]
        ref = None
        tool_input = [str(SEED)]
    else:
        first, last = map(int, args.lines.split("-"))
        src = (FLORES / "src.fr").read_text(encoding="utf-8").splitlines()[first - 1:last]
        ref = (FLORES / "ref.en").read_text(encoding="utf-8").splitlines()[first - 1:last]
    model = local_path(resolve(None))
    with tempfile.TemporaryDirectory() as tmp:
        src_file = Path(tmp, "src.fr")
        src_file.write_text("\n".join(src) + "\n", encoding="utf-8")
        if not args.seed:
            tool_input = ["--lines", str(src_file)]
        commands = {
            "tool": [sys.executable, "-m", "summarizer", "translate", *tool_input, "--threads",
                     str(args.threads), "--quality", args.quality, "-o", str(Path(tmp, "tool.en"))],
            "raw": [sys.executable, "-c", RAW, str(model), str(src_file), str(Path(tmp, "raw.en")), str(args.threads)],
        }
        seconds: dict[str, list[float]] = {"tool": [], "raw": []}
        for pair in range(args.pairs):
            for name, cmd in commands.items():
                started = time.perf_counter()
                subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)
                seconds[name].append(time.perf_counter() - started)
                print(f"pair {pair + 1} {name}: {seconds[name][-1]:.1f} s", flush=True)
        ratios = [t / r for t, r in zip(seconds["tool"], seconds["raw"])]
        print(f"\ntool/raw per pair: {', '.join(f'{r:.2f}' for r in ratios)}; median {statistics.median(ratios):.2f}")
        for name in commands if ref else ():
            hyp = Path(tmp, f"{name}.en").read_text(encoding="utf-8").splitlines()
            print(f"{name}: chrF {CHRF().corpus_score(hyp, [ref]).score:.1f}, BLEU {BLEU().corpus_score(hyp, [ref]).score:.1f}")
    what = f"the seed article, {len(src)} lines" if args.seed else f"FLORES devtest lines {args.lines}, {len(src)} lines"
    print(f"{what}; command: python bench/same_run.py " + " ".join(sys.argv[1:]))


if __name__ == "__main__":
    main()
