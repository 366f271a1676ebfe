"""Translation benchmark: speed and memory per runtime on the seed article, and quality of
`summarize translate --lines` on FLORES-200 devtest lines beside the anchors (Google, Microsoft,
Firefox's Bergamot models), all scored with the same sacrebleu metrics.

    python bench/translate.py                      # seed speed (llama.cpp) + FLORES lines 1-100
    python bench/translate.py --runtimes llamacpp transformers --lines 1-100 --lines 601-800
    python bench/translate.py --quality fast balanced best --no-seed

Each measurement runs in a child process so that peak RSS is that runtime's own.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLORES = ROOT.parent / "shared" / "data" / "flores200-devtest-fra-eng"
SEED = ROOT / "seeds" / "otan-irak-2021.fr.txt"
ANCHORS = ["google", "microsoft", "bergamot-base-memory", "bergamot-tiny"]


def worker(runtime: str, model: str | None, threads: int | None) -> None:
    """Translate the seed in-process with one runtime; print one JSON line of measurements."""
    sys.path.insert(0, str(ROOT))
    from summarizer.documents import read_document
    from summarizer.glossary import default_glossary
    from summarizer.models import local_path, resolve
    from summarizer.runtimes.llamacpp import LlamaCppRuntime
    from summarizer.translate import Translator

    spec = resolve(model)
    path = local_path(spec)
    started = time.perf_counter()
    if runtime == "llamacpp":
        rt = LlamaCppRuntime(path, model_id=spec.id, context=4096, parallel=2, threads=threads)
    else:
        from summarizer.runtimes.transformers_rt import TransformersRuntime

        rt = TransformersRuntime(path.parent, model_id=spec.id, gguf_file=path.name, threads=threads, batch_size=2)
    load = time.perf_counter() - started
    doc = read_document(SEED)
    with rt:
        result = Translator(rt, default_glossary()).translate_document(doc)
    words = len(doc.text.split())
    print(json.dumps({
        "runtime": runtime, "model": spec.id, "load_s": round(load, 1), "seconds": round(result.seconds, 1),
        "words_per_s": round(words / result.seconds, 2),
        "generated_tokens_per_s": round(result.completion_tokens / result.seconds, 2),
        "prompt_tokens": result.prompt_tokens, "completion_tokens": result.completion_tokens,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "segments_with_issues": sum(1 for s in result.segments if s.issues),
    }))


def line_range(spec: str) -> tuple[int, int]:
    first, last = spec.split("-")
    return int(first), int(last)


def score(hyp: list[str], ref: list[str]) -> tuple[float, float, str]:
    from sacrebleu.metrics import BLEU, CHRF

    chrf, bleu = CHRF(), BLEU()
    c, b = chrf.corpus_score(hyp, [ref]), bleu.corpus_score(hyp, [ref])
    return c.score, b.score, f"{chrf.get_signature()} | {bleu.get_signature()}"


def flores(first: int, last: int, model: str | None, quality: str | None, threads: int | None) -> dict:
    src = (FLORES / "src.fr").read_text(encoding="utf-8").splitlines()[first - 1 : last]
    ref = (FLORES / "ref.en").read_text(encoding="utf-8").splitlines()[first - 1 : last]
    with tempfile.TemporaryDirectory() as tmp:
        inp, out = Path(tmp) / "src.fr", Path(tmp) / "out.en"
        inp.write_text("\n".join(src) + "\n", encoding="utf-8")
        cmd = [sys.executable, "-m", "summarizer", "translate", "--lines", str(inp), "-o", str(out)]
        cmd += ["-m", model] if model else []
        cmd += ["--quality", quality] if quality else []
        cmd += ["--threads", str(threads)] if threads else []
        started = time.perf_counter()
        subprocess.run(cmd, check=True, cwd=ROOT, stderr=subprocess.DEVNULL)
        seconds = time.perf_counter() - started
        hyp = out.read_text(encoding="utf-8").splitlines()
    keep = ROOT / "bench" / "out"  # kept for reading the errors; git-ignored
    keep.mkdir(exist_ok=True)
    (keep / f"flores-{first}-{last}-{quality or 'default'}.en").write_text("\n".join(hyp) + "\n", encoding="utf-8")
    assert len(hyp) == len(src), "--lines must keep the line count"
    chrf, bleu, sig = score(hyp, ref)
    row = {"lines": f"{first}-{last}", "system": f"summarize ({quality or 'default'})", "chrF": round(chrf, 1),
           "BLEU": round(bleu, 1), "s_per_100_lines": round(seconds * 100 / len(src), 1), "signature": sig}
    anchors = []
    for name in ANCHORS:
        hyp_a = (FLORES / "anchors" / f"{name}.en").read_text(encoding="utf-8").splitlines()[first - 1 : last]
        c, b, _ = score(hyp_a, ref)
        anchors.append({"lines": f"{first}-{last}", "system": name, "chrF": round(c, 1), "BLEU": round(b, 1)})
    return {"ours": row, "anchors": anchors}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--worker", choices=["llamacpp", "transformers"], help=argparse.SUPPRESS)
    ap.add_argument("--runtimes", nargs="+", default=["llamacpp"], choices=["llamacpp", "transformers"])
    ap.add_argument("-m", "--model", help="model id (default: the embedded default)")
    ap.add_argument("--lines", action="append", help="FLORES line range, 1-based inclusive (default 1-100)")
    ap.add_argument("--quality", nargs="+", help="quality levels to compare on FLORES")
    ap.add_argument("--threads", type=int)
    ap.add_argument("--no-seed", action="store_true", help="skip the seed speed runs")
    ap.add_argument("--no-flores", action="store_true", help="skip the FLORES quality runs")
    args = ap.parse_args()
    if args.worker:
        worker(args.worker, args.model, args.threads)
        return
    if not args.no_seed:
        print("## Seed article, per runtime")
        for runtime in args.runtimes:
            cmd = [sys.executable, __file__, "--worker", runtime] + (["-m", args.model] if args.model else [])
            cmd += ["--threads", str(args.threads)] if args.threads else []
            out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env={**os.environ})
            print(out.stdout.strip() or out.stderr.strip()[-2000:])
    for spec in [] if args.no_flores else args.lines or ["1-100"]:
        first, last = line_range(spec)
        for quality in args.quality or [None]:
            result = flores(first, last, args.model, quality, args.threads)
            print(f"## FLORES-200 devtest fra→eng lines {first}-{last}")
            print(json.dumps(result["ours"]))
            for row in result["anchors"]:
                print(json.dumps(row))


if __name__ == "__main__":
    main()
