"""Translation benchmark: speed and memory per runtime on the seed article, and quality of
`summarize translate --lines` on FLORES-200 devtest lines beside the anchors (Google, Microsoft,
Firefox's Bergamot models), all scored with the same sacrebleu metrics.

    python bench/translate.py                      # seed speed (llama.cpp) + FLORES lines 1-100
    python bench/translate.py --runtimes llamacpp transformers --lines 1-100 --lines 601-800
    python bench/translate.py --quality fast balanced best --no-seed
    python bench/translate.py --quality best --candidates 6 --lines 601-650 --no-seed

Each of our rows carries a paired bootstrap test against Bergamot base (sacrebleu, 1,000
resamples): the 95% confidence interval of our score and the p-value of the difference, since
100 lines leave about ±2.7 chrF of sampling noise. Settings with several candidates per line
also print the greedy candidate's score and an oracle's (each line's candidate closest to the
reference): how much the choice gains, and could gain.

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
    from summarizer import Summarizer, load_document
    from summarizer.models import resolve

    spec = resolve(model)
    if runtime != spec.runtime:  # the same weights on another engine (transformers reads GGUF too)
        spec = spec.model_copy(update={"runtime": runtime})
    doc = load_document(SEED)
    with Summarizer(spec, parallel=2, threads=threads) as s:
        started = time.perf_counter()
        s.load("translate")
        load = time.perf_counter() - started
        result = s.translate(doc)
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


def flores(first: int, last: int, model: str | None, quality: str | None, threads: int | None,
           candidates: int | None = None) -> dict:
    src = (FLORES / "src.fr").read_text(encoding="utf-8").splitlines()[first - 1 : last]
    ref = (FLORES / "ref.en").read_text(encoding="utf-8").splitlines()[first - 1 : last]
    with tempfile.TemporaryDirectory() as tmp:
        inp, out = Path(tmp) / "src.fr", Path(tmp) / "out.json"
        inp.write_text("\n".join(src) + "\n", encoding="utf-8")
        cmd = [sys.executable, "-m", "summarizer", "translate", "--lines", str(inp), "--format", "json", "-o", str(out)]
        cmd += ["-m", model] if model else []
        cmd += ["--quality", quality] if quality else []
        cmd += ["--threads", str(threads)] if threads else []
        cmd += ["--candidates", str(candidates)] if candidates else []
        started = time.perf_counter()
        subprocess.run(cmd, check=True, cwd=ROOT, stderr=subprocess.DEVNULL)
        seconds = time.perf_counter() - started
        segments = json.loads(out.read_text(encoding="utf-8"))["segments"]
    hyp = [s["target"] for s in segments]
    assert len(hyp) == len(src), "--lines must keep the line count"
    keep = ROOT / "bench" / "out"  # kept for reading the errors; git-ignored
    keep.mkdir(exist_ok=True)
    setting = (quality or "default") + (f"-{candidates}" if candidates else "")
    (keep / f"flores-{first}-{last}-{setting}.en").write_text("\n".join(hyp) + "\n", encoding="utf-8")
    chrf, bleu, sig = score(hyp, ref)
    row = {"lines": f"{first}-{last}", "system": f"summarize ({setting})", "chrF": round(chrf, 1),
           "BLEU": round(bleu, 1), "s_per_100_lines": round(seconds * 100 / len(src), 1), "signature": sig}
    if any(s["candidates"] for s in segments):
        row.update(headroom(segments, ref))
    anchors = []
    for name in ANCHORS:
        hyp_a = (FLORES / "anchors" / f"{name}.en").read_text(encoding="utf-8").splitlines()[first - 1 : last]
        c, b, _ = score(hyp_a, ref)
        anchors.append({"lines": f"{first}-{last}", "system": name, "chrF": round(c, 1), "BLEU": round(b, 1)})
        if name == "bergamot-base-memory":
            row.update(versus(hyp_a, hyp, ref))
    return {"ours": row, "anchors": anchors}


def versus(baseline: list[str], hyp: list[str], ref: list[str]) -> dict:
    """Paired bootstrap test of `hyp` against `baseline`: our 95% CI and the p-value of the gap."""
    from sacrebleu.metrics import BLEU, CHRF
    from sacrebleu.significance import PairedTest

    _, scores = PairedTest([("baseline", baseline), ("ours", hyp)], {"chrF": CHRF(), "BLEU": BLEU()}, [ref],
                           test_type="bs", n_samples=1000)()
    out = {}
    for key, name in (("chrF2", "chrF"), ("BLEU", "BLEU")):
        ours = scores[key][1]
        out[f"{name}_ci95"] = round(float(ours.ci), 1)
        out[f"{name}_p_vs_bergamot_base"] = round(float(ours.p_value), 3)
    return out


def headroom(segments: list[dict], ref: list[str]) -> dict:
    """How much the choice among candidates gains, and could gain: the greedy candidate alone,
    and an oracle that picks each line's candidate closest to the reference (an upper bound no
    selection method can pass with these candidates)."""
    from sacrebleu.metrics import CHRF

    chrf = CHRF()
    greedy = [(s["candidates"] or [s["target"]])[0] for s in segments]
    oracle = [max(s["candidates"] or [s["target"]], key=lambda h: chrf.sentence_score(h, [r]).score)
              for s, r in zip(segments, ref)]
    (g_chrf, g_bleu, _), (o_chrf, o_bleu, _) = score(greedy, ref), score(oracle, ref)
    return {"greedy_chrF": round(g_chrf, 1), "greedy_BLEU": round(g_bleu, 1),
            "oracle_chrF": round(o_chrf, 1), "oracle_BLEU": round(o_bleu, 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--worker", choices=["llamacpp", "transformers"], help=argparse.SUPPRESS)
    ap.add_argument("--runtimes", nargs="+", default=["llamacpp"], choices=["llamacpp", "transformers"])
    ap.add_argument("-m", "--model", help="model id (default: the embedded default)")
    ap.add_argument("--lines", action="append", help="FLORES line range, 1-based inclusive (default 1-100)")
    ap.add_argument("--quality", nargs="+", help="quality levels to compare on FLORES")
    ap.add_argument("--candidates", type=int, help="translations per line (overrides the quality level's)")
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
            result = flores(first, last, args.model, quality, args.threads, args.candidates)
            print(f"## FLORES-200 devtest fra→eng lines {first}-{last}")
            print(json.dumps(result["ours"]))
            for row in result["anchors"]:
                print(json.dumps(row))


if __name__ == "__main__":
    main()
