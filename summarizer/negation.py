"""A French negation the English lost ("ne redevienne jamais un refuge" → "remains forever a safe
haven"), found in code: the one translation error that states the opposite of the source.

A French sentence negates with "ne"/"n'" and a negator ("pas", "jamais", "plus", "rien",
"aucun"…); its English should then have a negation of its own: a negative word ("not", "never",
"no", "without"…), a negative prefix ("unclear", "non-binding", "impossible") or a word that
carries the negation ("fail", "lack", "refuse", "avoid", "hardly"). What is not read as a negation:
"ne … que" and "ne … plus que" ("only"), and the imperatives English says positively ("n'oubliez
pas" → "remember", "n'hésitez pas" → "feel free"). On FLORES-200 devtest it flags 2 of the 126
negated lines of the human reference, where the English rephrases ("had less benefit", "blindness
in one eye"): `python bench/checks.py --check negation`.
"""

from __future__ import annotations

import re

from .leftovers import an_english_word
from .segment import split_sentences

_NEGATOR = r"(?:pas|plus|jamais|rien|personne|aucune?s?|nulle?s?|guère|point|nullement|ni)"
#: "ne"/"n'" then, within six words, a negator not followed by "que" ("ne … plus que": only) nor by
#: "d'autre que" ("on ne peut rien voir d'autre que le ciel": only the sky).
_FRENCH = re.compile(r"\b(?:ne\s+|n['’])(?:[^\s.;:!?«»\"]+\s+){0,6}?" + _NEGATOR
                     + r"\b(?!\s+(?:que\b|qu['’]))(?!\s+(?:\S+\s+)?d['’]autres?\s+qu)", re.IGNORECASE)
#: A negator that opens the clause, "ne" following: "Aucun accord n'a été trouvé", "Rien n'a changé".
_FRENCH_FIRST = re.compile(r"\b(?:aucune?s?|rien|personne|nulle?s?)\s+(?:[^\s.;:!?«»\"]+\s+){0,4}?(?:ne\b|n['’])",
                           re.IGNORECASE)
#: Imperatives that English words positively.
_POSITIVE_IN_ENGLISH = re.compile(r"\b(?:n['’](?:oubli|hésit)|ne\s+manqu)\w*\s+pas\b", re.IGNORECASE)
_ENGLISH = re.compile(
    r"\b(?:not|never|no|none|nothing|nobody|neither|nor|without|nowhere|cannot|yet|unable|hardly|barely|scarcely|"
    r"fail\w*|lack\w*|refus\w*|avoid\w*|absen\w+|free\s+of|instead)\b|n['’]t\b|\bno[- ]one\b|\b\w{3,}less\b",
    re.IGNORECASE)
#: A negative prefix on a word English has without it ("unclear", "non-binding"), and the common
#: negative adjectives whose prefix a word of its own may also begin with ("increase", "impose").
_PREFIXED = re.compile(r"\b(?:un|non-?)([a-z]{4,})\b", re.IGNORECASE)
_NEGATIVE_ADJECTIVE = re.compile(r"\b(?:imposs|illeg|insuffic|incapab|inaccur|incomplet|incorrect|invalid|inadequ|"
                                 r"ineffect|inappropr|irrespons|irrelev|irregul|invisib|inactiv|indirect|dishonest)",
                                 re.IGNORECASE)


#: How English says a French negator, given to the model with the negation when a retry asks for it
#: again ("ne redevienne plus = no longer"): a plain retry kept "remains a safe haven", the gloss gave
#: "is no longer a safe haven". Longest first: "toujours pas" before "pas".
_ENGLISH_OF = {"plus jamais": "never again", "toujours pas": "still not", "pas encore": "not yet", "jamais": "never",
               "plus": "no longer", "pas": "not", "rien": "nothing", "personne": "nobody", "aucun": "no",
               "aucune": "no", "aucuns": "no", "aucunes": "no", "nul": "no", "nulle": "no", "nuls": "no",
               "nulles": "no", "guère": "hardly", "point": "not", "nullement": "not at all", "ni": "nor"}


def english_of(negation: str) -> str:
    """How English says a negation `french_negations` found ("n'a toujours pas" → "still not")."""
    words = re.findall(r"[^\W\d_]+", negation.lower())
    return next(english for french, english in _ENGLISH_OF.items()
                if any(words[i:i + len(french.split())] == french.split() for i in range(len(words))))


def french_negations(sentence: str) -> list[str]:
    """The negations of a French sentence ("ne redevienne jamais"), idioms English says positively left out."""
    found = sorted((m.span() for pattern in (_FRENCH_FIRST, _FRENCH) for m in pattern.finditer(sentence)
                    if not _POSITIVE_IN_ENGLISH.match(m.group(0))))
    kept: list[tuple[int, int]] = []
    for start, end in found:  # a negation both patterns read ("Rien n'a …") once
        if not kept or start >= kept[-1][1]:
            kept.append((start, end))
    return [sentence[start:end] for start, end in kept]


def negated(english: str) -> bool:
    """Whether an English text has a negation: a negative word or a negative prefix on an English word."""
    if _ENGLISH.search(english) or _NEGATIVE_ADJECTIVE.search(english):
        return True
    return any(an_english_word(m.group(1).lower()) for m in _PREFIXED.finditer(english))


def lost_negations(source: str, target: str) -> list[str]:
    """The French negations of `source` whose sentence's English in `target` has none. Sentence by
    sentence where the two split alike, so that one sentence's "not" does not hide another's loss;
    else the whole text."""
    pairs = list(zip(src, tgt)) if len(src := split_sentences(source)) == len(tgt := split_sentences(target)) \
        else [(source, target)]
    return [n for s, t in pairs if (found := french_negations(s)) and not negated(t) for n in found]
