"""French left in English output ("the maire", "des mesures", "décidé"), found in code.

A per-sentence language identifier misses a French word or two inside an English sentence, which
is what small models leave. Three cheap signs do not: French function words that are not English
words, lower-case words with French accents that the source itself uses (a proper name is
capitalised; an English word with an accent, such as "café", is not in a French news source's
vocabulary often enough to matter, and is reported, not changed), and lower-case words of the source
that English does not use but French does ("syndicales", "procureur", "championnat"), by the word
frequency lists pyspellchecker ships (built from subtitles, so a word of the 2020s such as
"coronavirus" is in neither list and is not reported).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

_FUNCTION_WORDS = frozenset(
    "le la les des du aux et est sont une pour dans sur avec qui que cette ces par pas ont été leur "
    "leurs selon mais ou où nous vous ils elles lors depuis afin ainsi".split()
)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_ACCENTED = re.compile(r"[éèêëàâçîïôûùœ]")


#: A word English does not use: rarer than this in the English list, and so its singular ("oppositions":
#: "opposition" is English).
RARE_IN_ENGLISH = 1e-7
#: ...and French does: at least that frequent in the French list, and this many times the English.
FRENCH_OVER_ENGLISH = 10


@cache
def _frequency(language: str) -> Callable[[str], float]:
    """A word's share of the running words in pyspellchecker's `language` list (0 when not listed)."""
    from spellchecker import SpellChecker

    return SpellChecker(language=language, distance=1).word_usage_frequency


#: British spellings, which French often shares ("organisation", "centre", "programme"), as the
#: American ones of the English list.
_BRITISH = [(re.compile(p), a) for p, a in ((r"is(ation|e|ed|es|ing)s?$", r"iz\1"), (r"our(s?)$", r"or\1"),
                                             (r"tre(s?)$", r"ter\1"), (r"mme(s?)$", r"m\1"))]


def an_english_word(word: str) -> bool:
    """Whether English writes a lower-case `word` as a word of its own ("chili", "suede")."""
    return _frequency("en")(word) >= RARE_IN_ENGLISH


def only_french(word: str) -> bool:
    """Whether a lower-case word is French and not English, by the two languages' word frequencies;
    English is asked for the word, its singular and its American spelling."""
    forms = {word, word.removesuffix("s")} | {p.sub(a, word) for p, a in _BRITISH}
    english = max(map(_frequency("en"), forms))
    french = _frequency("fr")(word)
    return english < RARE_IN_ENGLISH <= french and french >= FRENCH_OVER_ENGLISH * english


#: A name joined by French particles, capital to capital ("Seine-et-Marne", "Bouches-du-Rhône",
#: "Pointe du Lac", "Côte d'Ivoire"): copied as the source writes it, its particles are the name's.
_PARTICLE_NAME = re.compile(r"[A-ZÀ-Ý][\w'’]*(?:(?:-(?:d[ue]|des|la|le|les|et|en|sur|sous|lès)-|-[dl]['’]"
                            r"| (?:d[ue]|des|la|le) | [dl]['’])[A-ZÀ-Ý][\w'’]*)+")


def french_words(english: str, source: str) -> list[str]:
    """Words of `english` that are French: function words, or lower-case words of `source` that are
    accented or `only_french`; not the particles of a name the source writes the same way (`_PARTICLE_NAME`)."""
    vocabulary = {w for w in _WORD.findall(source) if w.islower()}
    names = [m.span() for m in _PARTICLE_NAME.finditer(english) if m.group(0) in source]
    found: list[str] = []
    for match in _WORD.finditer(english):
        if any(start <= match.start() < end for start, end in names):
            continue
        word = match.group(0)
        lower = word.lower()
        french = word.islower() and (lower in _FUNCTION_WORDS or word in vocabulary and (
            _ACCENTED.search(word) is not None or len(word) > 2 and only_french(word)))
        if french and lower not in found:
            found.append(lower)
    return found
