"""The lost-negation check (`summarizer/negation.py`) measured on real text, without a model.

    python bench/negation.py [--show]
    python bench/negation.py --french FILE --english FILE    # a translation of one's own, line by line

FLORES-200 devtest: how many French lines negate, and how many lines of the human reference and
of the Google/Microsoft/Bergamot outputs (`anchors/`) `lost_negations` flags. These translations
keep every negation's meaning, so each flag is a false alarm, a retry the tool would pay for
nothing (`--show` lists them). With `--french`/`--english`, the lines flagged in a translation
such as `summarize translate --lines FILE -o OUT` wrote, to read by eye.
"""

from __future__ import annotations

import argparse
import html
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from summarizer.negation import french_negations, lost_negations  # noqa: E402

FLORES = ROOT.parent / "shared" / "data" / "flores200-devtest-fra-eng"


def flagged(french: list[str], english: list[str], show: bool, label: str) -> None:
    hits = [(n, fr, en, lost) for n, (fr, en) in enumerate(zip(french, english), 1)
            if (lost := lost_negations(fr, html.unescape(en)))]
    negated = sum(bool(french_negations(fr)) for fr in french)
    print(f"  {label:<28} {len(hits):>3} flagged of {negated} negated lines ({len(french)} lines)")
    for n, fr, en, lost in hits if show else ():
        print(f"      {n}: {', '.join(lost)}\n         FR {fr}\n         EN {en}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--show", action="store_true", help="list the flagged lines")
    ap.add_argument("--french", type=Path, help="source lines of a translation of one's own")
    ap.add_argument("--english", type=Path, help="its English, one line per source line")
    args = ap.parse_args()
    if args.french and args.english:
        print("lost_negations on a translation of one's own:")
        flagged(args.french.read_text(encoding="utf-8").splitlines(),
                args.english.read_text(encoding="utf-8").splitlines(), True, args.english.name)
        return
    source = (FLORES / "src.fr").read_text(encoding="utf-8").splitlines()
    print("lost_negations on FLORES-200 devtest (a flag on these translations is a false alarm):")
    for path in [FLORES / "ref.en", *sorted((FLORES / "anchors").glob("*.en"))]:
        flagged(source, path.read_text(encoding="utf-8").splitlines(), args.show, path.name)


if __name__ == "__main__":
    main()
