"""Two content checks of the translation measured on real text, without a model: the lost
negation (`summarizer/negation.py`) and the figure the source lacks (`numbers.invented_figures`).

    python bench/checks.py [--check negation|invented] [--show]
    python bench/checks.py --french FILE --english FILE    # a translation of one's own, line by line

FLORES-200 devtest: how many lines of the human reference and of the Google/Microsoft/Bergamot
outputs (`anchors/`) each check flags (for negations, of the French lines that negate). These
translations keep every negation's meaning and add no figure, so a flag is mostly a false alarm, a
retry the tool would pay for nothing (`--show` lists them; a reference that converts units, "30
mètres" → "100 feet", is flagged rightly: a figure the source lacks). With `--french`/`--english`,
the lines flagged in a translation such as `summarize translate --lines FILE -o OUT` wrote.
"""

from __future__ import annotations

import argparse
import html
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from summarizer.negation import french_negations, lost_negations  # noqa: E402
from summarizer.numbers import invented_figures  # noqa: E402

FLORES = ROOT.parent / "shared" / "data" / "flores200-devtest-fra-eng"
#: check name → (what it flags in an English line given its French line, which French lines it concerns)
CHECKS: dict[str, tuple[Callable[[str, str], list[str]], Callable[[str], bool]]] = {
    "negation": (lost_negations, lambda fr: bool(french_negations(fr))),
    "invented": (lambda fr, en: invented_figures(en, fr), lambda fr: True),
}


def flagged(check: str, french: list[str], english: list[str], show: bool, label: str) -> None:
    flags, concerned = CHECKS[check]
    hits = [(n, fr, en, found) for n, (fr, en) in enumerate(zip(french, english), 1)
            if (found := flags(fr, html.unescape(en)))]
    print(f"  {label:<28} {len(hits):>3} flagged of {sum(map(concerned, french))} lines concerned ({len(french)} lines)")
    for n, fr, en, found in hits if show else ():
        print(f"      {n}: {', '.join(found)}\n         FR {fr}\n         EN {en}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", choices=list(CHECKS), help="one check (default: both)")
    ap.add_argument("--show", action="store_true", help="list the flagged lines")
    ap.add_argument("--french", type=Path, help="source lines of a translation of one's own")
    ap.add_argument("--english", type=Path, help="its English, one line per source line")
    args = ap.parse_args()
    for check in [args.check] if args.check else list(CHECKS):
        if args.french and args.english:
            print(f"{check} on a translation of one's own:")
            flagged(check, args.french.read_text(encoding="utf-8").splitlines(),
                    args.english.read_text(encoding="utf-8").splitlines(), True, args.english.name)
            continue
        source = (FLORES / "src.fr").read_text(encoding="utf-8").splitlines()
        print(f"{check} on FLORES-200 devtest:")
        for path in [FLORES / "ref.en", *sorted((FLORES / "anchors").glob("*.en"))]:
            flagged(check, source, path.read_text(encoding="utf-8").splitlines(), args.show, path.name)


if __name__ == "__main__":
    main()
