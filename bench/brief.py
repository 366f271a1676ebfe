"""Brief benchmark on the gold suite: every article of the development and held-out halves briefed
with one loaded model, then scored against its hand-written gold file (the `summarize eval` table,
per article and pooled), with seconds per brief and peak memory.

    python bench/brief.py [--split dev|heldout|all] [-m MODEL] [--threads N] [--parallel N] [--extract-from english]
                          [--only NAME,NAME]   # some articles of the split, scored alone

dev = seeds/ (the seed article) + tests/gold/dev; heldout = tests/gold/heldout (never tuned on).
Briefs and a JSON summary go to bench/out/brief/<model>/<split>/ (<split>-english/ for --extract-from english).

`--replay FILE` records every completion in FILE (JSON lines keyed by the request) and answers a
request asked before from it, so that a change in code alone (a rule applied to the model's
answers) is measured in a minute instead of an hour; only new requests go to the model. The model's
answers are then those of the recorded run (two slots batch requests differently from run to run),
and seconds per brief mean nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from summarizer import Summarizer  # noqa: E402
from summarizer.brief import brief_json  # noqa: E402
from summarizer.evaluate import COLUMNS, evaluate_path, table_rows, totals  # noqa: E402
from summarizer.runtimes.base import ChatRequest, Completion, OnResult, Runtime  # noqa: E402

SPLITS = {
    "dev": [ROOT / "seeds", ROOT / "tests" / "gold" / "dev"],
    "heldout": [ROOT / "tests" / "gold" / "heldout"],
}


def articles(folder: Path) -> list[Path]:
    """The articles of a gold folder: the `source` of each NAME.gold.json."""
    return [folder / json.loads(g.read_text(encoding="utf-8"))["source"] for g in sorted(folder.glob("*.gold.json"))]


class Replay(Runtime):
    """A loaded runtime that answers a request recorded in `path` from it, and records the others."""

    def __init__(self, inner: Runtime, path: Path) -> None:
        self.inner, self.path = inner, path
        self.name, self.kind, self.model_id, self.parallel = inner.name, inner.kind, inner.model_id, inner.parallel
        self.context, self.local = inner.context, inner.local
        lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
        self.recorded: dict[str, dict] = dict(json.loads(line) for line in lines)
        self.asked = self.replayed = 0

    def chat(self, requests: Sequence[ChatRequest], on_result: OnResult | None = None) -> list[Completion]:
        keys = [hashlib.sha256(json.dumps(r.openai_body(), sort_keys=True, ensure_ascii=False).encode()).hexdigest()
                for r in requests]
        new = [i for i, key in enumerate(keys) if key not in self.recorded]
        self.asked, self.replayed = self.asked + len(new), self.replayed + len(requests) - len(new)
        if new:
            with self.path.open("a", encoding="utf-8") as f:
                for i, out in zip(new, self.inner.chat([requests[i] for i in new])):
                    self.recorded[keys[i]] = asdict(out)
                    f.write(json.dumps([keys[i], self.recorded[keys[i]]]) + "\n")
        results = [Completion(**self.recorded[key]) for key in keys]
        for i, out in enumerate(results if on_result else ()):
            on_result(i, out)
        return results

    def cache_prefix(self, messages: list[dict[str, str]]) -> None:
        self.inner.cache_prefix(messages)  # a new request is computed as in a run without replay

    def close(self) -> None:
        """The real runtime is the Summarizer's to close."""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", choices=["dev", "heldout", "all"], default="all")
    ap.add_argument("-m", "--model")
    ap.add_argument("--threads", type=int)
    ap.add_argument("--parallel", type=int, default=2)
    ap.add_argument("--extract-from", choices=["french", "english"], default="french")
    ap.add_argument("--only", type=lambda names: set(names.split(",")), help="comma-separated article names")
    ap.add_argument("--replay", type=Path, metavar="FILE", help="record completions in FILE and answer from it")
    args = ap.parse_args()
    splits = ["dev", "heldout"] if args.split == "all" else [args.split]
    started = time.perf_counter()
    with Summarizer(args.model, threads=args.threads, parallel=args.parallel, extract_from=args.extract_from) as loaded:
        spec = loaded.spec
        replay: list[Replay] = []

        def recorded(runtime: Runtime) -> Runtime:
            replay.append(Replay(runtime, args.replay))
            return replay[-1]

        if args.replay:
            loaded.load("brief")
        summarizer = loaded.view(recorded) if args.replay else loaded
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
    for r in replay:
        print(f"\nreplayed {r.replayed} completions from {args.replay}, asked the model {r.asked}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nwall {time.perf_counter() - started:.0f} s, peak RSS {peak:.0f} MB, command: python bench/brief.py "
          + " ".join(sys.argv[1:]))


if __name__ == "__main__":
    main()
