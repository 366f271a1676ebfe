"""French-aware segmentation of a cleaned document into blocks, lines and sentences.

The document layer (documents.py) separates blocks with a blank line and keeps meaningful
single newlines inside a block (quote + attribution, pull quotes like "4.000\\nmilitaires",
list items). This module turns that text into:

* ``Block``: one blank-line-separated unit, as a tuple of lines plus a heuristic ``kind``.
  A translator translates a block and must give back the same number of lines.
* ``Sentence``: every sentence of every line, numbered in document order, so a brief can
  cite evidence by index.
* ``Structure``: both, read once per document (``Document.structure``). The brief's evidence
  numbers and the ids a translated segment records are the same numbers, so a brief's evidence
  sentence finds the segment that translated it.

Sentence splitting is a regex splitter with French abbreviation rules rather than pysbd:
pysbd (language="fr") splits after ``MM.``, ``Dr.``, ``St.`` and inside ``p. ex.``, does
not split ``Oui… Non.``, and is ~50x slower; this splitter is deterministic and linear.
It also splits sentences that scraped text glues together (``médicament.En``, ``GMT.Plus``,
``»Le``, ``KawasakiL'OMS``, ``reportéLa``, ``.- Titre -Texte``) so that no evidence sentence is a whole article.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

BlockKind = Literal["heading", "paragraph", "quote", "line"]

#: Abbreviations that are (almost) never the last word of a sentence: a following capital
#: is a name (``M. Dupont``, ``St. Louis``), not a new sentence.
NON_FINAL_ABBREVIATIONS = frozenset(
    """M MM Mme Mmes Mlle Mlles Mgr Me Dr Drs Pr Prof St Ste Sts Stes Mr Mrs Ms Jr
    Gén Gal Col Cdt Cne Lt Sgt Adj Cie cf Cf ex av apr bd boul env réf éd coll approx vs""".split()
)

#: Abbreviations followed by a number (``p. 12``, ``art. 5``, ``janv. 2020``). ``sept.`` can
#: also be the number seven ending a sentence, so these only hold before a digit.
NUMERIC_ABBREVIATIONS = frozenset(
    "p pp art n no vol chap fig janv févr avr juil sept oct nov déc".split()
)

_OPENING_QUOTES = "«“\"‘"

_UPPER = "A-ZÀ-ÖØ-Þ"
_LOWER = "a-zà-öø-ÿ"

#: French words that open a sentence and are never the end of a word: a lowercase letter glued to
#: one, capitalised and followed by a space, is a heading glued to its text (``reportéLa grève``,
#: ``ArcueilÀ Nanterre``, ``auditionSelon le``), not a name spelt in camel case (``StopCovid``,
#: ``VilleLaBaule``: no space follows).
_GLUED_OPENERS = "|".join("""Le La Les Un Une Des Au Aux En À De Du Dans Selon Malgré Si Pour Depuis Après Avant
    Alors Mais Et Ce Cette Ces Il Elle Ils Elles On Outre Lors Par Sur Avec Comme Entre Pendant Début""".split())

#: A candidate boundary. Either terminator(s), closing quotes/brackets (a French closing
#: guillemet may follow a space) and whitespace or none: scraped text glues sentences
#: (``médicament.En``, ``GMT.Plus``); the decision is taken in ``_is_boundary``. Or a
#: sentence glued with no terminator: a closing guillemet before a capitalised word
#: (``»Le``); a straight quote between a letter and a capital (``française"Samedi``,
#: ``franceinfo"Chaque``); a lowercase letter before an elided capital (``KawasakiL'OMS``),
#: as ``L'``, ``D'``… never occur inside a French word, or a lowercase letter or digit before a
#: sentence opener (``_GLUED_OPENERS``: ``depuis 1997La fermeture``). Or the end of an AFP
#: live-blog heading glued to its text (``- Frontières rouvertes -La Belgique``), checked in
#: ``_is_boundary``.
_CANDIDATE = re.compile(
    rf"""(?=[.!?…»”"«{_UPPER}])  # every alternative starts before one of these (speed)
        (?:(?P<end>[.!?…]+)(?P<close>(?:\s?[»”’)\]]|")*)(?P<space>\s*)
        | [»”](?=[{_UPPER}][{_LOWER}])
        | (?<=[^\W\d_])"(?=[{_UPPER}])
        | (?<=[{_LOWER}])(?=[{_UPPER}]['’][^\W\d_])
        | (?<=[{_LOWER}\d])(?=(?:{_GLUED_OPENERS})\s)
        | (?<=\s-)(?P<dash>)(?=[{_UPPER}"«]))""",
    re.VERBOSE,
)

#: What may start a sentence glued to a terminator: a capitalised word (``.En``, ``.L'OMS``,
#: ``.A Paris``), ``M.`` or ``MM.`` before a name (``place.M. Drareni``), an opening quote, a ``- ``
#: list dash, a list number (``an.4.Les``). Numbers (``3.500``), domains (``Orange.fr``), ``U.S.A``,
#: ``Ph.D en`` or ``ASP.NET`` do not match.
_GLUED_START = re.compile(
    rf"[{_UPPER}][{_LOWER}'’]|[AÀ]\s|MM?\.\s[{_UPPER}]|[«“\"]\s?[{_UPPER}]|-\s|\d{{1,3}}\.[{_UPPER}][{_LOWER}]"
)

#: After a terminator and a space, a sentence may also start with a list dash (``. - Titre``)
#: or be a scraped script (``window.pvp_x = new Pvp(…)``), never French prose.
_SPACED_START = re.compile(r"-\s|[a-z_]\w*(?:\.\w+)+\s*=(?!=)")

#: A token that is a URL or an e-mail address: never split inside it (``site.fr/?Id=1``).
_URLISH = re.compile(r"@|://|www\.", re.IGNORECASE)

#: A short live-blog heading: ``- Frontières rouvertes -``.
_DASH_HEADING = re.compile(r"-\s.{1,120}\s-")

#: Initials and dotted acronyms before the final period: ``J``, ``J.-P``, ``U.S.A``.
_INITIALS = re.compile(r"(?:[A-ZÀ-ÖØ-Þ]\.-?)*[A-ZÀ-ÖØ-Þ]")

#: A sentence made only of a list marker (``1.``, ``IV.``, ``a.``) is not a sentence.
_LIST_MARKER = re.compile(r"(?:\d{1,3}|[IVXLCDM]{1,6}|[a-zA-Z])")

#: Tokens that end in a period but are never initials (``av. J.-C. Les Romains…``).
_FINAL_INITIALS = frozenset({"J.-C"})

#: A line that is one quotation from start to end: «…», “…” or "…", maybe a final stop.
_QUOTED_LINE = re.compile(r"«[^«»]*»[.!?…]?|“[^“”]*”[.!?…]?|\"[^\"]*\"[.!?…]?")
_INNER_SENTENCE_END = re.compile(r"[.!?…]\s")
_MAX_HEADING_CHARS = 120


@dataclass(frozen=True)
class Block:
    """A blank-line-separated unit of a document.

    kind: ``heading`` (one short line, no final punctuation), ``quote`` (first line is wholly
    a quotation; further lines are its attribution), ``paragraph`` (one line of running text)
    or ``line`` (several lines whose line structure must be kept).
    """

    index: int
    lines: tuple[str, ...]
    kind: BlockKind

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass(frozen=True)
class Sentence:
    """A sentence, numbered in document order (0-based), with the block and line it is in."""

    index: int
    paragraph: int
    text: str
    line: int = 0


def _is_heading(line: str) -> bool:
    return (
        len(line) <= _MAX_HEADING_CHARS
        and not line.endswith((".", ",", ";", ":", "!", "?", "…"))
        and not _INNER_SENTENCE_END.search(line)
        and any(ch.isalpha() for ch in line)
        and not line[0].islower()
    )


def _block_kind(lines: tuple[str, ...]) -> BlockKind:
    if _QUOTED_LINE.fullmatch(lines[0]):
        return "quote"
    if len(lines) > 1:
        return "line"
    return "heading" if _is_heading(lines[0]) else "paragraph"


def split_paragraphs(text: str) -> list[Block]:
    """Split cleaned text into blocks at blank lines; blank and whitespace lines are dropped."""
    blocks: list[Block] = []
    for chunk in re.split(r"\n\s*\n", text):
        lines = tuple(line.strip() for line in chunk.split("\n") if line.strip())
        if lines:
            blocks.append(Block(len(blocks), lines, _block_kind(lines)))
    return blocks


def _previous_token(text: str, end: int) -> str:
    """The word before a period, without leading punctuation or an elided article (l', d')."""
    token = text[:end].rsplit(None, 1)[-1] if text[:end].strip() else ""
    token = token.lstrip("«“\"‘'([")
    return re.sub(r"^\w+['’]", "", token)


def _in_url(line: str, i: int) -> bool:
    """Whether position ``i`` is inside a URL or an e-mail address."""
    return bool(_URLISH.search(line[:i].rsplit(None, 1)[-1] + line[i:].split(None, 1)[0]))


def _is_boundary(line: str, match: re.Match[str], sentence_start: int) -> bool:
    if match.group("dash") is not None:
        return bool(_DASH_HEADING.fullmatch(line, sentence_start, match.end()))
    if match.group("end") is None:  # glued with no terminator
        return True
    nxt = line[match.end()]
    if match.group("space"):
        if not (nxt.isupper() or nxt.isdigit() or nxt in _OPENING_QUOTES or _SPACED_START.match(line, match.end())):
            return False
    elif not _GLUED_START.match(line, match.end()) or _in_url(line, match.end()):
        return False
    end = match.start("end")
    if end > 0 and line[end - 1] in "[(":  # elision mark "[…]" inside a quotation
        return False
    if match.group("end") != "." or match.group("close"):
        return True
    token = _previous_token(line[sentence_start:], end - sentence_start)  # "M", not "place.M"
    if _LIST_MARKER.fullmatch(line[sentence_start:end].strip()):
        return False
    if token in NON_FINAL_ABBREVIATIONS:
        return False
    if token in NUMERIC_ABBREVIATIONS and nxt.isdigit():
        return False
    return not (_INITIALS.fullmatch(token) and token not in _FINAL_INITIALS)


def _opens_quote(line: str, i: int) -> bool:
    """Whether the straight quote at ``i``, glued to a word, opens a quotation.

    It plays the opposite role of the previous quote, read from that one's spacing
    (``mot",`` closes, `` "Mot`` opens) or, when glued too, from the quote before it.
    """
    opens = True
    while (i := line.rfind('"', 0, i)) >= 0:
        if line[i + 1].isspace() or line[i + 1] in ",;:.!?)]…":
            return opens
        if i == 0 or line[i - 1].isspace() or line[i - 1] in "([{'’":
            return not opens
        opens = not opens
    return opens


def _split_line(line: str) -> list[str]:
    """The sentences of one line, in order; only whitespace between them is dropped."""
    sentences: list[str] = []
    start = 0
    for match in _CANDIDATE.finditer(line):
        if match.end() >= len(line) or not _is_boundary(line, match, start):
            continue
        cut = match.end()
        if line[cut - 1] == '"' and _opens_quote(line, cut - 1):  # ``commune."Bonne``
            cut -= 1
        if any(ch.isalnum() for ch in line[start:cut]):  # not a stray ".Les chapeaux"
            sentences.append(line[start:cut].strip())
            start = cut
    if line[start:].strip():
        sentences.append(line[start:].strip())
    return sentences


def split_sentences(text: str) -> list[str]:
    """Split text into sentences; a newline is always a boundary (lines carry meaning here)."""
    return [s for line in text.split("\n") for s in _split_line(line.strip())]


@dataclass(frozen=True)
class Structure:
    """A document's text read once: its blocks, and every sentence of every line numbered 0.. in
    document order (every non-blank line holds at least one sentence)."""

    blocks: tuple[Block, ...]
    sentences: tuple[Sentence, ...]

    def lines(self) -> Iterator[tuple[Block, int, tuple[Sentence, ...]]]:
        """Every line as (its block, its number in the block, its sentences), in document order."""
        by_line: dict[tuple[int, int], list[Sentence]] = {}
        for s in self.sentences:
            by_line.setdefault((s.paragraph, s.line), []).append(s)
        for block in self.blocks:
            for n in range(len(block.lines)):
                yield block, n, tuple(by_line.get((block.index, n), ()))


def segment_text(doc_text: str) -> Structure:
    """Blocks and numbered sentences of a cleaned document's text."""
    blocks = split_paragraphs(doc_text)
    sentences: list[Sentence] = []
    for block in blocks:
        for line_no, line in enumerate(block.lines):
            for text in _split_line(line):
                sentences.append(Sentence(len(sentences), block.index, text, line_no))
    return Structure(tuple(blocks), tuple(sentences))


def number_sentences(doc_text: str) -> list[Sentence]:
    """Every sentence of every line of every block, numbered 0.. in document order."""
    return list(segment_text(doc_text).sentences)
