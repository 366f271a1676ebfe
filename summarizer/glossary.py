"""Glossary: French terms with a fixed English rendering, given to the model and enforced on output."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError
from .prompts import prompts_dir


@dataclass
class Glossary:
    terms: dict[str, str] = field(default_factory=dict)
    #: English calques small models write for a term ("First Minister" for "Premier ministre"):
    #: replaced by the term's English wherever the source has the term (without a source: anywhere).
    calques: dict[str, list[str]] = field(default_factory=dict)
    #: English names that take no article ("NATO", "ISIS"): a model translating "l'Otan a décidé" writes
    #: "The NATO has decided"; "the" before one is dropped where a verb, a preposition or punctuation
    #: follows, not where it names something the name qualifies ("the NATO summit").
    articleless: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._compile()

    def _compile(self) -> None:
        # Longest terms first so "Union européenne" wins over a shorter overlapping entry.
        ordered = sorted(self.terms, key=len, reverse=True)
        self._patterns = [(t, re.compile(rf"(?<!\w){_apostrophe_blind(t)}(?!\w)")) for t in ordered]
        self._term_rx = dict(self._patterns)
        # Longest calque first too: "at the horizon of" is replaced whole, not as "at the horizon".
        self._calques = [(t, re.compile(r"(?<!\w)(?:" + "|".join(map(_apostrophe_blind, sorted(c, key=len, reverse=True)))
                                        + r")(?!\w)", re.IGNORECASE)) for t, c in self.calques.items() if c]
        self._articleless = [re.compile(rf"\b[Tt]he\s+({re.escape(name)})(?={_NOT_QUALIFYING})") for name in self.articleless]

    def merge(self, other: Glossary) -> Glossary:
        """A new glossary where `other`'s entries override ours."""
        return Glossary({**self.terms, **other.terms}, {**self.calques, **other.calques},
                        list(dict.fromkeys(self.articleless + other.articleless)))

    def matches(self, source: str) -> dict[str, str]:
        """The entries whose French term occurs in `source`."""
        return {t: self.terms[t] for t, rx in self._patterns if rx.search(source)}

    def enforce(self, target: str, source: str | None = None) -> str:
        """Replace French terms that the model left untranslated in English `target` by their
        English form (when `source` is given, only terms whose English form a term of the source
        shares, whatever its case: "l'Otan" in the source also fixes an "OTAN" left in the target,
        "le préfet" a "Prefet")."""
        wanted = None if source is None else {self.terms[t].lower() for t, rx in self._patterns if rx.search(source)}
        for term, rx in self._patterns:
            english = self.terms[term]
            if term != english and (wanted is None or english.lower() in wanted) and rx.search(target):
                target = rx.sub(english, target)
        for term, rx in self._calques:
            if source is None or self._term_rx[term].search(source):
                target = rx.sub(self.terms[term], target)
        for rx in self._articleless:
            target = rx.sub(r"\1", target)
        return target


#: What may follow a name where it is the noun itself, not a qualifier of the next word: a possessive,
#: punctuation but a hyphen ("the NATO-led mission"), the end, a verb (an auxiliary, a past tense of
#: five letters or more: "voted", not "red" or "led"), a preposition, a conjunction or a relative pronoun.
_NOT_QUALIFYING = (r"['’]s\b|\s*(?:[.,;:!?)»”\"]|$)|\s+(?:\w{3,}ed|has|had|have|is|was|are|were|will|would|can|could|may|"
                   r"might|must|should|does|did|said|says|sent|made|took|set|and|or|but|which|that|who|whose|of|in|on|"
                   r"at|to|for|with|by|from|as|also|itself)\b")


def _apostrophe_blind(text: str) -> str:
    """`text` as a pattern where a straight and a typographic apostrophe match each other: French
    press writes "Conseil d’État" as often as "Conseil d'État", and one entry should cover both."""
    return re.sub("['’ʼ]", "['’ʼ]", re.escape(text))


def load_glossary(path: Path) -> Glossary:
    """Read a TOML (`[terms]` table, optional `[calques]` and `articleless`) or TSV (`french<TAB>english`, `#` comments) glossary."""
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read glossary {path}: {exc}") from None
    if path.suffix.lower() == ".toml":
        try:
            data = tomllib.loads(raw)
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"glossary {path} is not valid TOML: {exc}") from None
        terms, calques, articleless = data.get("terms", {}), data.get("calques", {}), data.get("articleless", [])
        if not isinstance(terms, dict) or not all(isinstance(v, str) for v in terms.values()):
            raise InputError(f"glossary {path}: expected a [terms] table of \"french\" = \"english\"")
        if not isinstance(calques, dict) or not all(
                t in terms and isinstance(c, list) and all(isinstance(x, str) for x in c) for t, c in calques.items()):
            raise InputError(f"glossary {path}: expected a [calques] table of \"french\" = [\"calque\", …], "
                             "each French term also in [terms]")
        if not isinstance(articleless, list) or not all(isinstance(x, str) and x.strip() for x in articleless):
            raise InputError(f"glossary {path}: expected articleless = [\"English name\", …]")
        return Glossary(dict(terms), dict(calques), list(articleless))
    terms = {}
    for n, line in enumerate(raw.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
            raise InputError(f"glossary {path}, line {n}: expected `french<TAB>english`")
        terms[parts[0].strip()] = parts[1].strip()
    return Glossary(terms)


def default_glossary(extra: Path | None = None) -> Glossary:
    """The repository's default glossary, with `extra`'s entries on top."""
    glossary = load_glossary(prompts_dir() / "glossary.toml")
    return glossary.merge(load_glossary(extra)) if extra else glossary
