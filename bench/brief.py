"""Brief benchmark: time, generated tokens/s and peak RSS of `summarize brief` on the seed
article, then its scores against the hand-written gold file.

    python bench/brief.py [-m MODEL] [--threads N]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "otan-irak-2021.fr.txt"
GOLD = ROOT / "seeds" / "otan-irak-2021.gold.json"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-m", "--model")
    ap.add_argument("--threads", type=int)
    ap.add_argument("--with-translation", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "otan-irak-2021.brief.json"
        cmd = [sys.executable, "-m", "summarizer", "brief", str(SEED), "-o", str(out)]
        cmd += ["-m", args.model] if args.model else []
        cmd += ["--threads", str(args.threads)] if args.threads else []
        cmd += ["--with-translation"] if args.with_translation else []
        started = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        wall = time.perf_counter() - started
        if proc.returncode:
            sys.exit(f"brief failed ({proc.returncode}): {proc.stderr[-2000:]}")
        brief = json.loads(out.read_text(encoding="utf-8"))
        scores = subprocess.run([sys.executable, "-m", "summarizer", "eval", str(out), str(GOLD), "--json"],
                                cwd=ROOT, capture_output=True, text=True, check=True).stdout
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({
        "model": brief["model"]["id"], "wall_s": round(wall, 1), "timings": brief["timings"],
        "usage": brief["usage"],
        "generated_tokens_per_s": round(brief["usage"]["completion_tokens"] / brief["timings"]["total"], 2),
        "decisions": len(brief["decisions"]), "peak_rss_mb": round(peak),
    }, indent=2))
    print(scores)


if __name__ == "__main__":
    main()
