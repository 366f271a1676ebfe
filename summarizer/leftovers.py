"""French left in English output ("the maire", "des mesures", "décidé"), found in code.

A per-sentence language identifier misses a French word or two inside an English sentence, which
is what small models leave. Two cheap signs do not: French function words that are not English
words, and lower-case words with French accents that the source itself uses (a proper name is
capitalised; an English word with an accent, such as "café", is not in a French news source's
vocabulary often enough to matter, and is reported, not changed).
"""

from __future__ import annotations

import re

_FUNCTION_WORDS = frozenset(
    "le la les des du aux et est sont une pour dans sur avec qui que cette ces par pas ont été leur "
    "leurs selon mais ou où nous vous ils elles lors depuis afin ainsi".split()
)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_ACCENTED = re.compile(r"[éèêëàâçîïôûùœ]")


def french_words(english: str, source: str) -> list[str]:
    """Words of `english` that are French: function words, or accented lower-case words of `source`."""
    vocabulary = {w for w in _WORD.findall(source) if w.islower()}
    found: list[str] = []
    for word in _WORD.findall(english):
        lower = word.lower()
        french = (word.islower() and lower in _FUNCTION_WORDS) or (
            word.islower() and _ACCENTED.search(word) is not None and word in vocabulary)
        if french and lower not in found:
            found.append(lower)
    return found
