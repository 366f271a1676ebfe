"""Summary benchmark with the decisions held fixed: each article's summary made again from the
decisions of the brief `bench/brief.py` saved for it (`brief.summary_sentences`, translated), and
scored against its gold facts. The choice of sentences or the translation prompt can so be compared
on the same decisions, in a fraction of a full brief run.

    python bench/brief.py --split dev                      # once: the saved briefs
    SUMMARIZER_PROMPTS_DIR=my-prompts python bench/summary.py [--split dev|heldout] [-m MODEL]

Prints fact recall and the figures or dates not in the source per article, and fact recall pooled.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))
sys.path.insert(0, str(ROOT))

from brief import SPLITS, articles  # noqa: E402

from summarizer import Summarizer, load_document  # noqa: E402
from summarizer.evaluate import evaluate_summary, load_gold  # noqa: E402
from summarizer.schema import Brief  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", choices=list(SPLITS), default="dev")
    ap.add_argument("-m", "--model")
    args = ap.parse_args()
    recalled = facts = 0
    with Summarizer(args.model) as summarizer:
        briefer = summarizer.briefer()
        saved = ROOT / "out" / "brief" / summarizer.spec.id / args.split
        for folder in SPLITS[args.split]:
            for path in articles(folder):
                name = path.name.removesuffix(".txt").removesuffix(".fr")
                brief = Brief.model_validate_json((saved / f"{name}.brief.json").read_text(encoding="utf-8"))
                doc = load_document(path)
                if brief.grounding.ignored_sentences:
                    sys.exit(f"{name}: its brief hid sentences from the model; re-run bench/brief.py instead")
                started = time.perf_counter()
                summary, invented, _, _ = briefer.summarize(doc.sentences, brief.decisions, doc.title, doc.text)
                gold = load_gold(folder / f"{name}.gold.json")
                score = evaluate_summary(summary, gold, doc.text)
                recalled, facts = recalled + len(score["facts_recalled"]), facts + len(gold.facts)
                print(f"{name}: facts {score['fact_recall']:.2f}, not in the source {invented}, "
                      f"{time.perf_counter() - started:.0f} s\n  {summary}", flush=True)
    print(f"\n{args.split} ({briefer.prompt_version}): fact recall {recalled / facts:.2f} ({recalled} of {facts}), "
          "command: python bench/summary.py " + " ".join(sys.argv[1:]))


if __name__ == "__main__":
    main()
