"""Brief benchmark on the gold suite: every article of the development and held-out halves briefed
with one loaded model, then scored against its hand-written gold file (the `summarize eval` table,
per article and pooled), with seconds per brief and peak memory.

    python bench/brief.py [--split dev|heldout|all] [-m MODEL] [--threads N] [--parallel N] [--extract-from english]
                          [--only NAME,NAME]   # some articles of the split, scored alone

dev = seeds/ (the seed article) + tests/gold/dev; heldout = tests/gold/heldout (never tuned on).
Briefs and a JSON summary go to bench/out/brief/<model>/<split>/ (<split>-english/ for --extract-from english).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from summarizer import Summarizer  # noqa: E402
from summarizer.brief import brief_json  # noqa: E402
from summarizer.evaluate import COLUMNS, evaluate_path, table_rows, totals  # noqa: E402

SPLITS = {
    "dev": [ROOT / "seeds", ROOT / "tests" / "gold" / "dev"],
    "heldout": [ROOT / "tests" / "gold" / "heldout"],
}


def articles(folder: Path) -> list[Path]:
    """The articles of a gold folder: the `source` of each NAME.gold.json."""
    return [folder / json.loads(g.read_text(encoding="utf-8"))["source"] for g in sorted(folder.glob("*.gold.json"))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", choices=["dev", "heldout", "all"], default="all")
    ap.add_argument("-m", "--model")
    ap.add_argument("--threads", type=int)
    ap.add_argument("--parallel", type=int, default=2)
    ap.add_argument("--extract-from", choices=["french", "english"], default="french")
    ap.add_argument("--only", type=lambda names: set(names.split(",")), help="comma-separated article names")
    args = ap.parse_args()
    splits = ["dev", "heldout"] if args.split == "all" else [args.split]
    started = time.perf_counter()
    with Summarizer(args.model, threads=args.threads, parallel=args.parallel, extract_from=args.extract_from) as summarizer:
        spec = summarizer.spec
        for split in splits:
            out = ROOT / "bench" / "out" / "brief" / spec.id / (split if args.extract_from == "french" else f"{split}-english")
            out.mkdir(parents=True, exist_ok=True)
            results = []
            for folder in SPLITS[split]:
                for path in articles(folder):
                    name = path.name.removesuffix(".txt").removesuffix(".fr")
                    if args.only and name not in args.only:
                        continue
                    brief = summarizer.brief(path)
                    (out / f"{name}.brief.json").write_text(brief_json(brief), encoding="utf-8")
                    print(f"{split} {name}: {brief.timings['total']:.0f} s", file=sys.stderr, flush=True)
                    results += [r for r in evaluate_path(out / f"{name}.brief.json", folder / f"{name}.gold.json")]
            total = totals(results)
            (out / "scores.json").write_text(json.dumps({"results": results, "total": total}, indent=2), encoding="utf-8")
            print(f"\n## {split} ({spec.id}, prompt {brief.model.prompt_version})")
            rows = [COLUMNS[:11], *(r[:11] for r in table_rows(results))]
            widths = [max(len(r[i]) for r in rows) for i in range(11)]
            for row in rows:
                print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)))
            print(json.dumps(total))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nwall {time.perf_counter() - started:.0f} s, peak RSS {peak:.0f} MB, command: python bench/brief.py "
          + " ".join(sys.argv[1:]))


if __name__ == "__main__":
    main()
