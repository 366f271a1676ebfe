"""Grounding: what the model says about the source is checked in code, never trusted.

- Evidence is chosen by sentence number; the verbatim sentence is filled in here. A decision
  with no valid sentence number is dropped.
- Every figure must occur in the source (by value: `4.000` = `4,000` = `4 000`); one that does
  not is removed and the decision flagged. Figures are written in English form.
- Decisions pointing at the same evidence, or saying nearly the same thing, are merged:
  small models state the lede's decision again where the body repeats it.
- Dates are given in English ("jeudi" → "Thursday"); "null"-like strings become null.
"""

from __future__ import annotations

from .glossary import Glossary
import re

from .numbers import english_numbers, french_dates, french_numbers, normalise_number
from .schema import Decision, Evidence, Grounding, ModelDecision
from .segment import Sentence


def source_values(text: str) -> set[str]:
    """Normalised values of every figure in the French source."""
    return {normalise_number(n.text) for n in french_numbers(text)}


def _figure_values(figure: str, known: set[str]) -> list[tuple[str, bool]]:
    """(English form, found in source) of each number in a model-written figure string.
    Values compare as `normalise_number` reads them (`4.000` = `4,000` = `4 000`)."""
    out = []
    for n in english_numbers(figure) or french_numbers(figure):
        try:
            grounded = normalise_number(n.text) in known
        except ValueError:
            continue
        core = _DIGITS.search(n.text)
        english = n.text if core is None else n.text.replace(core.group(0), _english_digits(core.group(0)), 1)
        out.append((english, grounded))
    return out


_DIGITS = re.compile(r"\d(?:[\d.,\u00a0\u202f ]*\d)?")
_YEAR = re.compile(r"1[5-9]\d\d|20\d\d")


def _english_digits(core: str) -> str:
    """`3.500`, `3 500`, `3500` → `3,500`; `3,5` → `3.5`; years stay as they are."""
    value = normalise_number(core)
    if "." not in value and int(value) >= 1000 and not _YEAR.fullmatch(core):
        return f"{int(value):,}"
    return value


_NULLS = {"", "null", "none", "n/a", "na", "unknown", "not stated", "not specified", "-"}


def english_date(when: str | None) -> str | None:
    """The model's date in English: French date words translated, null-like strings → None."""
    if when is None or when.strip().lower() in _NULLS:
        return None
    out, last = [], 0
    for d in french_dates(when):
        out += [when[last : d.start], d.english]
        last = d.end
    return ("".join(out) + when[last:]).strip()


_WORD = re.compile(r"[^\W\d_]{4,}")
_STOP = {"will", "with", "that", "this", "from", "have", "been", "their", "its", "into", "which", "after"}


def _content_words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)} - _STOP


def _similar(a: str, b: str) -> bool:
    wa, wb = _content_words(a), _content_words(b)
    return bool(wa and wb) and len(wa & wb) / len(wa | wb) >= 0.4


def unsupported_numbers(english: str, source: str) -> list[str]:
    """Numbers in an English text (summary, decision) whose value is not in the French source."""
    known = source_values(source)
    out = []
    for n in english_numbers(english):
        try:
            if normalise_number(n.text) not in known and n.text not in out:
                out.append(n.text)
        except ValueError:
            continue
    return out


def ground_decisions(
    proposed: list[ModelDecision], sentences: list[Sentence], glossary: Glossary
) -> tuple[list[Decision], Grounding]:
    """Turn the model's decisions into grounded `Decision`s; report what was dropped or flagged."""
    source = "\n".join(s.text for s in sentences)
    known = source_values(source)
    report = Grounding()
    kept: list[tuple[ModelDecision, list[int], list[str], list[str]]] = []
    for d in proposed:
        label = d.what_was_decided_in_english[:80]
        indices = sorted({i for i in d.evidence_sentence_numbers if 0 <= i < len(sentences)})
        if not indices:
            report.dropped.append(f"{label}: no valid evidence sentence number")
            continue
        if not d.what_was_decided_in_english.strip() or not d.who_decided_in_english.strip():
            report.dropped.append(f"{label}: empty actor or decision")
            continue
        figures, flags = [], []
        for fig in d.figures:
            for english, grounded in _figure_values(fig, known):
                if not grounded:
                    flags.append(f"figure {fig!r} not in the source; removed")
                elif english not in figures:
                    figures.append(english)
        # The same decision stated twice: shared evidence, or nearly the same words.
        twin = next(
            (k for k in kept if set(k[1]) & set(indices)
             or _similar(k[0].what_was_decided_in_english, d.what_was_decided_in_english)),
            None,
        )
        if twin:
            twin[1][:] = sorted(set(twin[1]) | set(indices))
            twin[2].extend(f for f in figures if f not in twin[2])
            continue
        kept.append((d, indices, figures, flags))
    kept.sort(key=lambda k: k[1][0])
    decisions = []
    for n, (d, indices, figures, flags) in enumerate(kept, 1):
        decision_text = glossary.enforce(d.what_was_decided_in_english)
        flags += [f"number {x!r} in the decision is not in the source" for x in unsupported_numbers(decision_text, source)]
        decisions.append(
            Decision(
                id=f"D{n}",
                actor=glossary.enforce(d.who_decided_in_english),
                decision=decision_text,
                status=d.status,
                date=english_date(d.when),
                location=english_date(d.where),
                figures=figures,
                evidence=[Evidence(sentence=i, text=sentences[i].text) for i in indices],
                flags=flags,
            )
        )
    report.flagged = sum(1 for d in decisions if d.flags)
    return decisions, report
