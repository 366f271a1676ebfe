"""Article text is data, never instructions: sentences addressed to a language model are found in
code and kept away from the model's brief requests (and from evidence).

A news article does not speak to "the assistant", tell the reader to ignore previous instructions
or dictate what to answer; a sentence that does is an injection attempt, in French or English,
wherever it sits. Removing it (rather than asking the model to resist it) makes the brief of the
article with the line the same as the brief of the article without it: the model sees the same input.
"""

from __future__ import annotations

import re

# Each pattern is something only a message to a model says; news wording that resembles it ("les
# manifestants ont ignoré les consignes", "le maire affirme que", "désormais, vous devrez…",
# an article about ChatGPT) must not match. Matched case-insensitively on one sentence.
_INSTRUCTIONS = r"(?:instructions?|consignes?|prompts?|directives?)"
_BEFORE = r"(?:pr[eé]c[eé]dent\w*|ci-dessus|ant[eé]rieur\w*|initial\w*|above|previous|prior|earlier)"
_PATTERNS = [
    # "ignore toutes les instructions précédentes", "oubliez vos consignes", "disregard the above prompt"
    rf"\b(?:ignor|oubli|disregard|forget|n[e'’]\s*tiens\s+pas\s+compte)\w*\s+(?:de\s+|of\s+)?(?:all\s+|toutes?\s+)?"
    rf"(?:(?:tes|vos|your)\s+(?:\w+\s+)?{_INSTRUCTIONS}|(?:les\s+|des\s+|the\s+|any\s+)?{_INSTRUCTIONS}\s+{_BEFORE}"
    rf"|(?:les\s+|the\s+)?{_BEFORE}\s+{_INSTRUCTIONS})",
    # dictating the answer, in the second person: "réponds que", "répondez uniquement que"
    r"\b(?:r[eé]ponds|r[eé]pondez|[eé]cris|[eé]crivez|affirmez|indiquez)\s+(?:simplement\s+|uniquement\s+|seulement\s+)?(?:que|qu['’])",
    r"(?:^|[.:;!?]\s*)(?:please\s+)?(?:answer|respond|reply|say|write|output|state)\s+(?:only\s+|simply\s+|just\s+)?that\b",
    # speaking to the model as such
    r"\b(?:you\s+are\s+(?:now\s+)?(?:an?\s+)?(?:ai|assistant|language\s+model|chatbot)|as\s+an\s+ai\b)",
    r"\b(?:tu\s+es|vous\s+[eê]tes)\s+(?:maintenant\s+|d[eé]sormais\s+)?(?:une?\s+)?(?:ia|assistant|mod[eè]le\s+de\s+langage|chatbot)\b",
    r"\b(?:en\s+tant\s+qu['’]\s*(?:ia|assistant|mod[eè]le\s+de\s+langage))\b",
    r"\b(?:system\s+prompt|prompt\s+syst[eè]me|note\s+(?:au|pour\s+le)\s+mod[eè]le|note\s+to\s+the\s+(?:ai|model|assistant))\b",
]
_INJECTION = re.compile("|".join(f"(?:{p})" for p in _PATTERNS), re.IGNORECASE)


def addressed_to_model(sentence: str) -> bool:
    """Whether the sentence speaks to a language model (an instruction hidden in the article)."""
    return _INJECTION.search(sentence) is not None
