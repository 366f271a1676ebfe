"""Grounding: what the model says about the source is checked in code, never trusted.

- Evidence is chosen by sentence number; the verbatim sentence is filled in here. A decision
  with no valid sentence number is dropped.
- Every figure must occur in the source (by value: `4.000` = `4,000` = `4 000`); one that does
  not is removed and the decision flagged. Figures are written in English form.
- Decisions pointing at the same evidence, or told twice by the same actor (`same_decision`), are
  merged: small models state the lede's decision again where the body repeats it. `merge_twins`
  does it again once the check has settled actors and statuses; `fold_follow_ups` folds a sentence
  that speaks of the one before it ("Cette mesure…") into that one's decision.
- Dates are given in English ("jeudi" → "Thursday"); "null"-like strings become null. A
  decision without a date or figures gets the ones its first evidence sentence states.
- The status is checked against the wording of the first evidence sentence (`status_cues`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Set

from .glossary import Glossary
from .numbers import (
    FRENCH_MONTHS, FRENCH_WEEKDAYS, found_in, french_dates, french_numbers, invented_figures, join_digit_groups,
    model_numbers, normalise_number, restore_months, source_values, to_english_number,
)
from .schema import Decision, Evidence, Grounding, ModelDecision
from .segment import Sentence


def _grounded_figures(figure: str, known: Set[str]) -> list[tuple[str, bool]]:
    """(English form, found in the source whose `source_values` are `known`) of each number in a
    model-written figure string."""
    out = []
    figure = join_digit_groups(figure)
    for n in model_numbers(figure) or french_numbers(figure):
        grounded = found_in(n, known)
        core = _DIGITS.search(n.text)
        english = n.text if core is None else n.text.replace(core.group(0), _english_digits(core.group(0)), 1)
        out.append((english, grounded))
    return out


#: A decision stated in fewer words is a fragment ("Bruno Millienne is"), not a decision.
MIN_DECISION_WORDS = 4
_DIGITS = re.compile(r"\d(?:[\d.,\u00a0\u202f ]*\d)?")
_YEAR = re.compile(r"1[5-9]\d\d|20\d\d")


def _english_digits(core: str) -> str:
    """`3.500`, `3 500`, `3500` → `3,500`; `3,5` → `3.5`; years stay as they are."""
    value = normalise_number(core)
    if "." not in value and int(value) >= 1000 and not _YEAR.fullmatch(core):
        return f"{int(value):,}"
    return value


_NULLS = {"", "null", "none", "n/a", "na", "unknown", "not stated", "not specified", "-"}


#: Parts of a day a French date carries ("mardi soir"), as English writes them after a weekday.
_DAY_PARTS = {"matin": "morning", "après-midi": "afternoon", "apres-midi": "afternoon", "soir": "evening",
              "soirée": "evening", "nuit": "night", "midi": "noon"}
_DAY_PART = re.compile(r"(?<!\w)(" + "|".join(sorted(_DAY_PARTS, key=len, reverse=True)) + r")(?![\w-])", re.IGNORECASE)


def english_date(when: str | None) -> str | None:
    """The model's date in English: French date words translated ("mardi soir" → "Tuesday evening"),
    null-like strings → None."""
    if when is None or when.strip().lower() in _NULLS:
        return None
    out, last = [], 0
    for d in french_dates(when):
        out += [when[last : d.start], d.english]
        last = d.end
    english = ("".join(out) + when[last:]).strip()
    return _DAY_PART.sub(lambda m: _DAY_PARTS[m.group(1).lower()], english)


_WORD = re.compile(r"[^\W\d_]{4,}")
_STOP = {"will", "with", "that", "this", "from", "have", "been", "their", "its", "into", "which", "after"}


def _content_words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)} - _STOP


def _similar(a: str, b: str, threshold: float = 0.4) -> bool:
    wa, wb = _content_words(a), _content_words(b)
    return bool(wa and wb) and len(wa & wb) / len(wa | wb) >= threshold


_PROPER = re.compile(r"(?<!^)(?<![.!?]\s)\b[A-ZÀ-Ý][\w-]{2,}")


def same_decision(a: tuple[str, str, str], b: tuple[str, str, str]) -> bool:
    """Whether two (actor, decision, status) are one decision told twice (the lede's "NATO will
    expand its Iraq mission", the body's "NATO decided to enlarge its training mission in Iraq"):
    actors that share a word, the same status, and nearly the same words, or a name they share
    besides the actor (Iraq) and some words. "The Assembly approved X" and "The Senate approved X"
    stay two decisions."""
    (actor_a, what_a, status_a), (actor_b, what_b, status_b) = a, b
    if status_a != status_b or not _content_words(actor_a) & _content_words(actor_b):
        return False
    return _similar(what_a, what_b) or _shared_names(a, b) and _similar(what_a, what_b, 0.2)


#: Capitalised words that name a time, not someone or something: two acts on the same Wednesday are
#: not one act (dev 11869: Finistère's beaches merged back under Loire-Atlantique's by "Wednesday").
_CALENDAR = frozenset(FRENCH_WEEKDAYS.values()) | frozenset(FRENCH_MONTHS.values())


def _shared_names(a: tuple[str, str, str], b: tuple[str, str, str]) -> bool:
    """Whether two (actor, decision, status) name someone or something in common besides their actors
    (days and months are not names here: `_CALENDAR`)."""
    left_out = set(_PROPER.findall(a[0] + " " + b[0])) | _CALENDAR
    return bool((set(_PROPER.findall(a[1])) - left_out) & (set(_PROPER.findall(b[1])) - left_out))


def same_act(decision: Decision, described: Decision) -> bool:
    """Whether a sentence split off `decision` and described alone tells the same act after all (the
    seed's lede "L'OTAN va étendre sa mission en Irak" and its body "l'OTAN a décidé d'élargir sa
    mission de formation en Irak"): the same status, and told alike (`same_decision`) or naming
    someone or something in common besides the actors, which are not compared (a sentence described
    alone often takes the person quoted for the actor)."""
    a, b = (decision.actor, decision.decision, decision.status), (described.actor, described.decision, described.status)
    return decision.status == described.status and (same_decision(a, b) or _shared_names(a, b))


def merge_twins(decisions: list[Decision]) -> list[Decision]:
    """Merge decisions that `same_decision` finds to be one (run again once actors and statuses are
    checked): evidence, figures and flags are pooled, ids renumbered in order of evidence."""
    kept: list[Decision] = []
    for d in decisions:
        twin = next((k for k in kept if same_decision((k.actor, k.decision, k.status), (d.actor, d.decision, d.status))),
                    None)
        if twin is None:
            kept.append(d)
            continue
        add_evidence(twin, d)
        twin.figures += [f for f in d.figures if f not in twin.figures]
        twin.flags += [f for f in d.flags if f not in twin.flags]
    return _renumbered(kept)


def add_evidence(into: Decision, d: Decision) -> None:
    """`d`'s evidence sentences added to `into`'s, each once, in article order."""
    seen = {e.sentence for e in into.evidence}
    into.evidence = sorted(into.evidence + [e for e in d.evidence if e.sentence not in seen], key=lambda e: e.sentence)


def _renumbered(decisions: list[Decision]) -> list[Decision]:
    """The decisions in order of their first evidence, with ids D1, D2… in that order."""
    decisions.sort(key=lambda d: d.evidence[0].sentence)
    for n, d in enumerate(decisions, 1):
        d.id = f"D{n}"
    return decisions


#: A sentence that opens on a demonstrative ("Ces discussions porteront sur…", "Cette mesure est
#: favorable à…", "Ce n'est pas la première fois…") speaks of what the sentence before it reported.
_BACK_REFERENCE = re.compile(r"""^[\s"«“'(]*(?:ce|cet|cette|ces)\b""", re.IGNORECASE)


def refers_back(sentence: str) -> bool:
    """Whether a sentence opens on a demonstrative (`_BACK_REFERENCE`): it speaks of what came before."""
    return _BACK_REFERENCE.match(sentence) is not None


def fold_follow_ups(decisions: list[Decision], status_cues: dict[str, list[str]],
                    own_decision: Callable[[str], bool]) -> list[Decision]:
    """Fold into the decision that cites the sentence just before it each decision whose evidence opens
    on a back-reference (`_BACK_REFERENCE`) without wording of its own status (`status_cues`) or an act
    `own_decision` finds (an assembly's vote): small models list such a follow-up as a decision of its
    own, told again ("The government's approval of the tool is a source of satisfaction")."""
    kept: list[Decision] = []
    for d in sorted(decisions, key=lambda d: d.evidence[0].sentence):
        first = d.evidence[0]
        before = next((k for k in kept if first.sentence - 1 in {e.sentence for e in k.evidence}), None)
        if (before is None or not all(refers_back(e.text) for e in d.evidence)
                or cued_status(first.text, status_cues) or own_decision(first.text)):
            kept.append(d)
        else:
            add_evidence(before, d)
    return _renumbered(kept)


def _cue_at(text: str, cue: str) -> int | None:
    """Where `cue` starts in `text` (its first part's first match), if every part starts a word there."""
    found = [re.search(r"(?<!\w)" + re.escape(part), text) for part in cue.split("+")]
    return found[0].start() if all(found) else None


def _has_cue(text: str, cue: str) -> bool:
    """Whether every "+"-joined part of `cue` starts a word of `text`: "a voté" is not in "sera voté",
    nor "appelé à" in "rappelé à"."""
    return _cue_at(text, cue) is not None


def invented_flags(decision: str, source: str) -> list[str]:
    """A decision's flags for the figures and dates its English has and the source lacks."""
    return [f"{x!r} in the decision is not in the source" for x in invented_figures(decision, source)]


def cue_text(sentence: str) -> str:
    """A sentence as the prompt file's cues are matched against: lower-cased, its typographic apostrophes
    made straight, as the cues are written ("mis d’accord" → "mis d'accord"; the glossary's terms
    match the same three: `glossary._apostrophe_blind`)."""
    return sentence.lower().translate(_STRAIGHT_APOSTROPHES)


_STRAIGHT_APOSTROPHES = str.maketrans("’ʼ", "''")


def has_wording(sentence: str, cues: list[str]) -> bool:
    """Whether one of `cues` occurs in the sentence (`_has_cue` on its `cue_text`)."""
    text = cue_text(sentence)
    return any(_has_cue(text, c) for c in cues)


def cued_status(sentence: str, status_cues: dict[str, list[str]]) -> list[str]:
    """Statuses whose wording (`has_wording`) occurs in the sentence: a deferral first (what "a décidé de
    différer" reports is a deferral), then in the order the sentence words them. French news states the
    act in the main clause and the rest in clauses after it: "mais rejettent la perspective … comme
    l'envisage le plan" rejects, "a validé la demande … qui proposait" adopts. A cue marked "~" names
    a text rather than an act ("~projet de": a bill) and comes after every act the sentence words:
    "Le projet de loi a été adopté par le Sénat" adopts."""
    text = cue_text(sentence)
    first: dict[str, tuple[bool, int]] = {}
    for status, cues in status_cues.items():
        at = [(c.startswith("~"), p) for c in cues if (p := _cue_at(text, c.removeprefix("~"))) is not None]
        if at:
            first[status] = min(at)
    return sorted(first, key=lambda status: (status != "deferred", first[status]))


def check_status(status: str, sentence: str, status_cues: dict[str, list[str]]) -> tuple[str, str | None]:
    """(status, flag): the model's status unless the evidence wording states another one (the first of
    `cued_status`, where it words several)."""
    cued = cued_status(sentence, status_cues)
    if not cued or status == cued[0]:
        return status, None
    return cued[0], f"status set to {cued[0]!r} from the evidence wording (model said {status!r})"


def evidence_date(sentence: str) -> str | None:
    """The one date the sentence states, in English (None when it states none or several)."""
    dates = {d.english for d in french_dates(sentence)}
    return dates.pop() if len(dates) == 1 else None


def evidence_figures(sentence: str) -> list[str]:
    """The sentence's counts and percentages (not years, ordinals or times), in English form."""
    out = []
    for n in french_numbers(sentence):
        if n.kind in ("number", "percent"):
            english = to_english_number(n.text)
            if english not in out:
                out.append(english)
    return out


def ground_decisions(
    proposed: list[ModelDecision], sentences: list[Sentence], glossary: Glossary,
    status_cues: dict[str, list[str]] | None = None,
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
        if len(d.what_was_decided_in_english.split()) < MIN_DECISION_WORDS or not d.who_decided_in_english.strip():
            report.dropped.append(f"{label}: empty actor or decision")
            continue
        figures, flags = [], []
        for fig in d.figures:
            for english, grounded in _grounded_figures(fig, known):
                if not grounded:
                    flags.append(f"figure {fig!r} not in the source; removed")
                elif english not in figures:
                    figures.append(english)
        # The same decision stated twice: shared evidence, or nearly the same words.
        twin = next(
            (k for k in kept if set(k[1]) & set(indices) or same_decision(
                (k[0].who_decided_in_english, k[0].what_was_decided_in_english, k[0].status),
                (d.who_decided_in_english, d.what_was_decided_in_english, d.status))),
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
        primary = sentences[indices[0]].text
        decision_text = restore_months(join_digit_groups(glossary.enforce(d.what_was_decided_in_english)), source)
        status, flag = check_status(d.status, primary, status_cues or {})
        if flag:
            flags.append(flag)
        flags += invented_flags(decision_text, source)
        date = restore_months(english_date(d.when) or "", source)
        if date and invented_figures(date, source):  # a year, or a day under a month, the article does not have
            flags.append(f"date {date!r} is not in the source; taken from the evidence")
            date = None
        decisions.append(
            Decision(
                id=f"D{n}",
                actor=glossary.enforce(d.who_decided_in_english),
                decision=decision_text,
                status=status,
                date=date or evidence_date(primary),
                location=english_date(d.where),
                figures=figures or evidence_figures(primary),
                evidence=[Evidence(sentence=i, text=sentences[i].text) for i in indices],
                flags=flags,
            )
        )
    report.flagged = sum(1 for d in decisions if d.flags)
    return decisions, report
