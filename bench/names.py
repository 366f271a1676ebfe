"""Proper-name checks measured on real text, without a model (`summarizer/propernames.py`).

    python bench/names.py [--sample N] [--show]

1. `proper_names` on the 40 OrangeSum decision articles: how many names, and a fixed random
   sample of them to check by eye that they are names.
2. `missing_names` on FLORES-200 devtest (French source against the human reference and the
   Google/Microsoft/Bergamot outputs in `anchors/`): every line it flags on a good translation is
   a false alarm, so the share of flagged lines is the false-alarm rate (`--show` lists them).
3. `unknown_names` on the summaries and decisions of the briefs that `bench/brief.py` wrote for
   the gold suite (bench/out/brief/, when present), and on the FLORES references as a stress test
   (English written independently of the French: every flag there is a false alarm).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from summarizer.documents import read_document  # noqa: E402
from summarizer.glossary import default_glossary  # noqa: E402
from summarizer.propernames import missing_names, proper_names, unknown_names  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
FLORES = DATA / "flores200-devtest-fra-eng"
ARTICLES = DATA / "orangesum-decisions" / "articles"
BRIEFS = ROOT / "bench" / "out" / "brief"
GOLD = [ROOT / "seeds", *(ROOT / "tests" / "gold").glob("*")]


def extraction(sample: int) -> None:
    names = [(path.stem, name) for path in sorted(ARTICLES.glob("*.txt"))
             for name in proper_names(read_document(path).text)]
    articles = len({a for a, _ in names})
    print(f"proper_names: {len(names)} names in {articles} articles ({len(names) / max(articles, 1):.1f} each)")
    for article, name in random.Random(0).sample(names, min(sample, len(names))):
        print(f"  {article:>6}  {name}")


def false_alarms(show: bool) -> None:
    glossary = default_glossary()
    source = (FLORES / "src.fr").read_text(encoding="utf-8").splitlines()
    outputs = [FLORES / "ref.en", *sorted((FLORES / "anchors").glob("*.en"))]
    print("missing_names on FLORES-200 devtest (lines flagged on a good translation = false alarms):")
    for path in outputs:
        english = path.read_text(encoding="utf-8").splitlines()
        flagged = [(n, lost) for n, (fr, en) in enumerate(zip(source, english), 1)
                   if (lost := missing_names(fr, en, glossary))]
        print(f"  {path.name:<28} {len(flagged):>4} / {len(source)} lines  {100 * len(flagged) / len(source):.1f}%")
        for n, lost in flagged if show else ():
            print(f"      {n}: {', '.join(lost)}")


def unknown(show: bool) -> None:
    glossary = default_glossary()
    briefs = sorted(BRIEFS.glob("*/*/*.brief.json"))
    summaries = flagged_summaries = decisions = flagged_decisions = 0
    for path in briefs:
        stem = path.name.removesuffix(".brief.json")
        source = next((f for folder in GOLD for f in folder.glob(f"{stem}.fr.txt")), None)
        if source is None:
            continue
        doc, brief = read_document(source), json.loads(path.read_text(encoding="utf-8"))
        article = f"{doc.title or ''}\n{doc.text}"
        found = unknown_names(brief["summary"], doc.text, glossary)
        summaries += 1
        flagged_summaries += bool(found)
        if found:
            print(f"  {path.parent.parent.name} {stem} summary: {', '.join(found)}")
        for d in brief["decisions"]:
            found = unknown_names(f"{d['actor']}. {d['decision']}", article, glossary)
            decisions += 1
            flagged_decisions += bool(found)
            if found:
                print(f"  {path.parent.parent.name} {stem} {d['id']}: {', '.join(found)}")
    if briefs:
        print(f"unknown_names on the gold-suite briefs: {flagged_summaries} / {summaries} summaries and "
              f"{flagged_decisions} / {decisions} decisions flagged (listed above)")
    source = (FLORES / "src.fr").read_text(encoding="utf-8").splitlines()
    english = (FLORES / "ref.en").read_text(encoding="utf-8").splitlines()
    flagged = [(n, found) for n, (fr, en) in enumerate(zip(source, english), 1)
               if (found := unknown_names(en, fr, glossary))]
    print(f"unknown_names on the FLORES references (stress test): {len(flagged)} / {len(source)} lines "
          f"{100 * len(flagged) / len(source):.1f}%")
    for n, found in flagged if show else ():
        print(f"      {n}: {', '.join(found)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sample", type=int, default=60, help="names to print from the extraction")
    ap.add_argument("--show", action="store_true", help="list every flagged line")
    args = ap.parse_args()
    extraction(args.sample)
    false_alarms(args.show)
    unknown(args.show)


if __name__ == "__main__":
    main()
