"""The brief task: an English summary plus the article's key decisions, grounded in the source.

Schema-constrained decisions over the numbered article, grounded in code and checked one by one
with short requests on their evidence alone; then a summary made of the article's lede, its
decisions' evidence and the sentences richest in names, figures and dates, translated
(`summary_sentences`). Invalid decision JSON gets one repair attempt; after that a
`GenerationError`, never invalid output.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import asdict, replace
from collections.abc import Callable
from typing import get_args

from pydantic import ValidationError

from .documents import Document
from .errors import GenerationError, InputError, describe_validation
from .glossary import Glossary
from .actors import (actor_named, another_assembly, english_country, english_country_names, fold, french_body,
                     french_in_actor, is_person, management_body, office_actor, office_body, only_a_medium, voting_body)
from .injection import addressed_to_model
from .leftovers import french_words
from .grounding import (add_evidence, check_status, cue_text, cued_status, fold_follow_ups, ground_decisions,
                        has_wording, invented_flags, merge_twins, refers_back, same_act)
from .numbers import french_numbers, invented_figures, join_digit_groups
from .prompts import load_prompt
from .propernames import missing_names, proper_names, unknown_names
from .runtimes.base import ChatRequest, Completion, Runtime, Usage
from .schema import MAX_DECISIONS, Brief, Decision, ModelDecision, ModelDecisions, ModelInfo, Source, Status
from .segment import Sentence
from .translate import Segment, Translation, Translator, english_number_forms, negation_lost

Progress = Callable[[int, int], None]
#: The summary translates the article's first sentence (news puts the main fact first), the first
#: evidence of each decision, the rest of the lede, then the sentences richest in details, at most
#: five in all (`summary_sentences`).
LEDE_SENTENCES = 3
MAX_SUMMARY_SENTENCES = 5
#: Fewer words than this is a fragment ("Ce dont il pourrait avoir besoin rapidement."), not worth a place.
MIN_SUMMARY_WORDS = 8
SENTENCE_ENDS = (".", "!", "?", "»", '"', "”")
QUOTES = ("«", '"', "“")
#: Answer budget of the decisions request, and of one decision's check.
EXTRACT_MAX_TOKENS = 1200
VERIFY_MAX_TOKENS = 48
DESCRIBE_MAX_TOKENS = 96
#: Sentences described alone per article (`Briefer.uncovered`): one short request each. Acts (a
#: sentence that words an adoption, a rejection or a vote) have more room: an article on a bill's
#: reading words one after another, and two places went to acts cited already.
MAX_DESCRIBED = 2
MAX_ACTS_DESCRIBED = 4
#: The check's answer: is it a decision, who decided, status. A described sentence adds what was decided.
CHECK_SCHEMA = {"type": "object", "additionalProperties": False, "required": ["is_decision", "decided_by", "status"],
                "properties": {"is_decision": {"type": "boolean"}, "decided_by": {"type": "string"},
                               "status": {"enum": list(get_args(Status))}}}
DESCRIBE_SCHEMA = {**CHECK_SCHEMA, "required": [*CHECK_SCHEMA["required"], "decision"],
                   "properties": {**CHECK_SCHEMA["properties"], "decision": {"type": "string"}}}
ACTOR_MAX_TOKENS = 24
#: Characters per token, on the high side for French with chat-model tokenizers (~3 is typical).
CHARS_PER_TOKEN_LOW = 4


def _answer(out: Completion) -> dict | None:
    """A check's JSON answer, or None when there is none to use."""
    try:
        answer = json.loads(out.text) if out.finish_reason == "stop" else None
    except json.JSONDecodeError:
        return None
    return answer if isinstance(answer, dict) else None


#: A sentence that opens on a place ("Dans le Finistère, la préfecture a annoncé…", "En Italie, le
#: gouvernement…", "À Grenoble, …"): a round-up's next story, told where it happens.
_PLACE_FRAME = re.compile(r"""^[\s"«“'(-]*"""
                          r"(?i:dans\s+(?:les?|la)\s+|dans\s+l['’]\s*|(?:en|à|a|au|aux)\s+(?:l['’])?)"
                          r"(?P<place>[A-ZÀ-Ý][\w'’-]+)[^,.;]{0,40},")


def elsewhere(sentence: str, decision: Decision) -> bool:
    """Whether `sentence` opens on a place (`_PLACE_FRAME`) that the decision does not name (its first
    evidence sentence, actor, text or location, accents aside): another story of a round-up, cited under
    the first one (dev 11869: "Dans le Finistère, la préfecture a annoncé…" under the Loire-Atlantique
    prefect's decision)."""
    if not (frame := _PLACE_FRAME.match(sentence)):
        return False
    told = fold(" ".join(filter(None, [decision.evidence[0].text, decision.actor, decision.decision,
                                       decision.location])))
    return fold(frame["place"]) not in told


def split_acts(decisions: list[Decision], vote_cues: list[str], bodies: dict[str, str],
               status_cues: dict[str, list[str]]) -> tuple[list[int], dict[int, Decision]]:
    """The evidence sentences after a decision's first to describe alone: those that report another
    body's vote (the extraction cites "Les députés ont approuvé…" and "Au Sénat, 186 sénateurs ont voté
    pour" under the government's plan), taken off the decision, and at most `MAX_DESCRIBED` that word
    an act of their own (adopted or rejected: a round-up's "Le gouvernement a décidé de reconduire…"
    cited under its first measure) or tell what happens elsewhere (`elsewhere`), left on it until
    described (`separate_acts`). Returns the numbers of all, and the decision each act sentence is
    cited under."""
    votes: list[int] = []
    acts: dict[int, Decision] = {}
    for d in decisions:
        first = voting_body(d.evidence[0].text, vote_cues, bodies)
        keep = [d.evidence[0]]
        for e in d.evidence[1:]:
            body = voting_body(e.text, vote_cues, bodies)
            if body and body != first and body.lower() != d.actor.lower():
                votes.append(e.sentence)
                continue
            if (not body and len(acts) < MAX_DESCRIBED  # an assembly's own vote is its decision
                    and ({"adopted", "rejected"} & set(cued_status(e.text, status_cues)) or elsewhere(e.text, d))):
                acts[e.sentence] = d
            keep.append(e)
        d.evidence = keep
    return sorted(set(votes) | set(acts)), acts


def separate_acts(decisions: list[Decision], found: list[Decision], acts: dict[int, Decision]) -> list[Decision]:
    """Settle each act sentence `split_acts` found: described alone as an act of its own (a decision of
    `found` that is not `same_act`), it is taken off the decision it was cited under; described as the
    same act (the seed's lede "L'OTAN va étendre sa mission en Irak" and its body "l'OTAN a décidé
    d'élargir sa mission de formation en Irak", the latter's actor the spokesman) or as no decision,
    it stays that decision's evidence."""
    kept = {id(d) for d in decisions}
    for n, parent in acts.items():
        described = next((f for f in found if id(f) in kept and n in {e.sentence for e in f.evidence}), None)
        if id(parent) not in kept or described is None:
            continue
        if same_act(parent, described):
            add_evidence(parent, described)
            decisions.remove(described)
            kept.discard(id(described))
        else:
            parent.evidence = [e for e in parent.evidence if e.sentence != n]
    return decisions


def _folded(text: str | None) -> str:
    return " ".join((text or "").split()).lower()


def whole_sentences(sentences: list[Sentence], title: str | None) -> list[int]:
    """The numbers of the sentences that end like one and have `MIN_SUMMARY_WORDS`: not the title, a
    heading, a photo caption ("… ©AFP"), a list that trails off ("…"), nor a sentence said before."""
    seen = {_folded(title)}
    whole: list[int] = []
    for s in sentences:
        text = s.text.rstrip()
        if (_folded(text) not in seen and len(text.split()) >= MIN_SUMMARY_WORDS
                and text.endswith(SENTENCE_ENDS) and not text.endswith(("...", "…"))):
            whole.append(s.index)
        seen.add(_folded(text))
    return whole


#: A sentence that opens on a supposition ("Si la situation reste sous contrôle…", "S'il était
#: reconnu coupable…"): what would follow, not what someone decided.
_HYPOTHETICAL = re.compile(r"""^[\s"«“'(]*(?:si|s['’]ils?)\b""", re.IGNORECASE)


def _quoted(text: str) -> bool:
    """A sentence that opens on a quotation mark: someone's words, seldom the news itself."""
    return text.lstrip()[:1] in QUOTES


def _details(text: str) -> int:
    """How many names, figures and dates a sentence states: what a summary sentence should carry."""
    return len(proper_names(text)) + len(french_numbers(text))


def summary_sentences(sentences: list[Sentence], decisions: list[Decision], title: str | None) -> list[Sentence]:
    """The sentences a summary is made of, in article order: the first whole sentence (`whole_sentences`)
    that is not a quotation, each decision's first evidence that is whole, the rest of the lede (the
    first `LEDE_SENTENCES`), then, up to `MAX_SUMMARY_SENTENCES`, the other whole sentences that state
    the most names, figures and dates. Decisions before the lede's second and third sentences: a news
    round-up's lede tells its first story only. The 1.5B model's own summaries carried fewer of the
    gold facts than these sentences translated (bench/RESULTS.md)."""
    whole = whole_sentences(sentences, title)
    by_index = {s.index: s for s in sentences}
    stated = [n for n in whole if not _quoted(by_index[n].text)] or whole
    picked = stated[:1]
    for d in decisions:
        first = next((e.sentence for e in d.evidence if e.sentence in whole), None)
        if first is not None and first not in picked:
            picked.append(first)
    picked += [n for n in stated[1:LEDE_SENTENCES] if n not in picked]
    details = {n: _details(by_index[n].text) for n in stated if n not in picked}
    rest = sorted((n for n, count in details.items() if count), key=lambda n: -details[n])
    picked += rest[:max(0, MAX_SUMMARY_SENTENCES - len(picked))]
    if not picked:  # an article of fragments only (headlines, a list): its first ones
        picked = [s.index for s in sentences if _folded(s.text) != _folded(title)][:LEDE_SENTENCES]
    return [by_index[n] for n in sorted(picked[:MAX_SUMMARY_SENTENCES])]


#: A sentence that opens inside a quotation: its first double quote closes one
#: (`Bathing is allowed", the prefect said`).
_CLOSES_FIRST = re.compile(r'^[^"“”]*[\w.,!?)…][”"](?=[\s,;:.!?]|$)')


def opened_quote(sentence: str) -> str:
    """A summary sentence that starts inside a quotation (the article's sentence ends one its previous
    sentence opened) with the opening quote it lacks, so the summary does not read a stray one."""
    if (sentence.count('"') + sentence.count("“") + sentence.count("”")) % 2 and _CLOSES_FIRST.match(sentence):
        return ("“" if "”" in sentence else '"') + sentence
    return sentence


_STRAIGHT_QUOTED = re.compile(r'"([^"\n]*)"')


def model_text(text: str) -> str:
    """French text as a brief's requests show it: figures in English form, so the model copies them,
    and straight double quotes made typographic, so that a quotation it copies ("sera \"très
    perturbé\"") does not end its JSON string halfway ("the traffic will be ")."""
    text = _STRAIGHT_QUOTED.sub(r"“\1”", english_number_forms(text))
    return text.replace('"', "”")


def in_english(text: str, source: str) -> bool:
    """Whether a description the model wrote is English: three words or more, none French (`french_words`)."""
    return len(text.split()) >= 3 and not french_words(text, source)


#: A last word no English sentence ends on: a description cut off where the model opened a quotation.
_CUT_SHORT = re.compile(r"\b(?:a|an|the|to|of|and|or|be|will|would|has|have|is|are|was|were|that|for|with|by|in|on|"
                        r"at|from|as|its|their|his|her|our)[\s\"“«]*$", re.IGNORECASE)


def cut_short(text: str) -> bool:
    """Whether a description the model wrote stops mid-sentence ("the RATP will be ")."""
    return _CUT_SHORT.search(text) is not None


#: Words a description may consist of and still say nothing but a status: a generic subject, an
#: auxiliary and the status itself ("The law was postponed.", "The text was rejected.").
_EMPTY_WORDS = frozenset("""a an the this that it its law text bill decision measure proposal plan project reform
    was were is are has have been be will adopted approved passed voted decided taken made postponed deferred
    delayed rejected refused proposed announced""".split())


def says_nothing(text: str) -> bool:
    """Whether a description the model wrote says no more than a status of an unnamed thing: on one
    held-out article every decision the extraction listed read so ("The law was postponed.", "The law
    was rejected."), whatever its evidence said and often another status than the decision's."""
    words = re.findall(r"[\w'’-]+", text.lower())
    return bool(words) and all(w in _EMPTY_WORDS for w in words)


def description_fault(text: str, source: str) -> str | None:
    """What is wrong with a description the model wrote, as its flag words it, or None."""
    if not in_english(text, source):
        return "left in French"
    if cut_short(text):
        return "cut short"
    return "said only a status" if says_nothing(text) else None


def numbered_article(sentences: list[Sentence]) -> str:
    """One sentence per line, `[n] text` (`model_text`)."""
    return "\n".join(f"[{s.index}] {model_text(s.text)}" for s in sentences)


#: What the decisions are read from: the French article, or its translation sentence by sentence
#: (the French sentences stay the evidence: a translated sentence keeps its number).
EXTRACT_FROM = ("french", "english")


def check_extract_from(value: str) -> None:
    """Refuse a value of `--extract-from` that is not one of `EXTRACT_FROM`."""
    if value not in EXTRACT_FROM:
        raise InputError(f"unknown --extract-from {value!r}; choose one of {', '.join(EXTRACT_FROM)}")


class Briefer:
    def __init__(self, runtime: Runtime, glossary: Glossary, *, quality: str = "balanced",
                 candidates: int | None = None, extract_from: str = "french") -> None:
        """`quality` and `candidates`: how the sentences a brief translates (its summary, `verify`'s
        descriptions) are translated. `extract_from`: one of `EXTRACT_FROM`."""
        check_extract_from(extract_from)
        self.runtime = runtime
        self.glossary = glossary
        self.extract_from = extract_from
        self.translator = Translator(runtime, glossary, quality=quality, candidates=candidates)
        self.prompt = load_prompt("brief")
        self.usage = self.translator.usage  # one count: the summary's and descriptions' translations are the brief's

    def _chat(self, req: ChatRequest) -> Completion:
        return self._chat_all([req])[0]

    def _chat_all(self, requests: list[ChatRequest]) -> list[Completion]:
        """Requests on parallel slots, their tokens counted."""
        out = self.runtime.chat(requests)
        self.usage.add(out)
        return out

    @property
    def prompt_version(self) -> str:
        return self.prompt["version"]

    def _messages(self, article: str, title: str | None, task: str, *, english: bool = False) -> list[dict[str, str]]:
        p = self.prompt
        title_line = f"Title: {model_text(title)}\n" if title else ""
        user = p["article_english" if english else "article"].format(title_line=title_line, article=article) + "\n" + task
        return [{"role": "system", "content": p["system"]}, {"role": "user", "content": user}]

    def summarize(self, sentences: list[Sentence], decisions: list[Decision], title: str | None,
                  source: str, english: dict[int, Segment] | None = None) -> tuple[str, list[str], list[str], list[str]]:
        """English summary: the `summary_sentences` translated, with the translation's own checks and
        retries (figures, names, French left, negations) at the brief's `--quality` (or taken from
        `english`, the sentences translated already, by number), less those whose translation has a
        figure or date the source lacks (`invented_figures`) or lost a negation (`negation_lost`)
        unless no sentence is left, each opening the quotation it starts inside (`opened_quote`); then
        such figures and dates still in it, French words left and names the source lacks
        (`unknown_names`), reported."""
        picked = summary_sentences(sentences, decisions, title)
        english = english or {}
        todo = [s for s in picked if s.index not in english]
        english = english | dict(zip((s.index for s in todo), self.translator.translate_texts([s.text for s in todo])))
        translated = [(opened_quote(join_digit_groups(english[s.index].target)), english[s.index].issues)
                      for s in picked if not english[s.index].lost]
        if not translated:
            raise GenerationError("the model translated none of the sentences the summary is made of")
        # A sentence whose translation still has a figure or date the article lacks, after the
        # translation's own retry ("monté au créneau" once came back "at 10 a.m."), or still lost a
        # negation (it says the opposite), is left out: a summary one sentence shorter is better
        # than one with a false figure.
        text = " ".join([t for t, issues in translated if not (invented_figures(t, source) or negation_lost(issues))]
                        or [t for t, _ in translated])
        return text, invented_figures(text, source), french_words(text, source), unknown_names(text, source, self.glossary)

    def candidates(self, sentences: list[Sentence]) -> list[int]:
        """Sentences with a decision cue (`decision_cues` in the prompt file)."""
        cues = self.prompt.get("decision_cues", [])
        return [s.index for s in sentences if any(c in s.text.lower() for c in cues)]

    def extract(self, article: str, title: str | None, candidates: list[int] = (), *,
                english: bool = False) -> ModelDecisions:
        """Schema-constrained decisions from the numbered `article` (French, or its translation when
        `english`); one repair attempt on invalid output."""
        hint = self.prompt["candidates"].format(numbers=", ".join(map(str, candidates))) if candidates else ""
        task = self.prompt["decisions"].format(max_decisions=MAX_DECISIONS, candidates=hint)
        messages = self._messages(article, title, task, english=english)
        schema = ModelDecisions.model_json_schema()
        error = ""
        for _attempt in range(2):
            out = self._chat(ChatRequest(messages=messages, max_tokens=EXTRACT_MAX_TOKENS, json_schema=schema))
            if out.finish_reason == "error":
                error = out.error or "runtime error"
            elif out.finish_reason == "length":
                error = "the answer was cut off (too long)"
            else:
                try:
                    return ModelDecisions.model_validate_json(out.text)
                except ValidationError as exc:
                    error = describe_validation(exc, limit=3)
            messages = messages + [
                {"role": "assistant", "content": out.text},
                {"role": "user", "content": self.prompt["repair"].format(error=error)},
            ]
        raise GenerationError(f"the model's decisions were invalid twice ({error}); no brief written")

    def _question(self, task: str, sentences: str, **fields: str) -> list[dict[str, str]]:
        """A short request on a few sentences alone, with the check's questions (`check_questions`)."""
        user = self.prompt[task].format(sentences=sentences, questions=self.prompt["check_questions"], **fields)
        return [{"role": "system", "content": self.prompt["system"]}, {"role": "user", "content": user}]

    def verify(self, decisions: list[Decision], sentences: list[Sentence], title: str | None,
               dropped: list[str]) -> list[Decision]:
        """Check each decision with one short request on its evidence sentences alone, and describe the
        sentences no decision covers (`uncovered`) with one each, all on parallel slots; then apply the
        answers in code (`_apply_check`). A described sentence becomes a decision only when its answer
        calls it one."""
        split, acts = split_acts(decisions, self.prompt.get("vote_cues", []), self.prompt.get("vote_bodies", {}),
                                 self.prompt.get("status_cues", {}))
        described = self.uncovered(decisions, sentences, split, title) if "describe" in self.prompt else []
        if not decisions and not described:
            return decisions
        requests = [
            ChatRequest(messages=self._question("verify", "\n".join(model_text(e.text) for e in d.evidence),
                                                decision=d.decision),
                        max_tokens=VERIFY_MAX_TOKENS, json_schema=CHECK_SCHEMA)
            for d in decisions
        ] + [
            ChatRequest(messages=self._question("describe", model_text(sentences[n].text)),
                        max_tokens=DESCRIBE_MAX_TOKENS, json_schema=DESCRIBE_SCHEMA)
            for n in described
        ]
        answers = [_answer(out) for out in self._chat_all(requests)]
        article = " ".join(s.text for s in sentences)
        new = [(n, a) for n, a in zip(described, answers[len(decisions):])
               if a and a.get("is_decision") is True and str(a.get("decided_by", "")).strip()]
        # Given one French sentence, the 1.5B model copies it as what was decided (every dev sentence
        # tried): such a decision is told by the sentence's translation instead, one more short request.
        # A translation with a French word or two left ("that certaines plages will be reopened", dev
        # 11869's key decision) is kept: `english_decisions` tries it again and flags what stays.
        translated: set[int] = set()
        if copied := [(n, a) for n, a in new if not in_english(str(a.get("decision", "")), article)]:
            for (n, a), segment in zip(copied, self.translator.translate_texts([sentences[n].text for n, _ in copied])):
                a["decision"] = "" if segment.lost else segment.target
                if len(a["decision"].split()) >= 3:
                    translated.add(n)
        new = [(n, a) for n, a in new if n in translated or in_english(str(a["decision"]), article)]
        found, _ = ground_decisions(
            [ModelDecision(evidence_sentence_numbers=[n], who_decided_in_english=str(a["decided_by"]),
                           what_was_decided_in_english=str(a["decision"]), status=a["status"], when=None, where=None,
                           figures=[]) for n, a in new],
            sentences, self.glossary, self.prompt.get("status_cues"))
        for d in found:
            d.flags.append("found by describing a sentence the extraction left out")
        checked = [d for d, answer in zip(decisions + found, answers[:len(decisions)] + [a for _, a in new])
                   if self._apply_check(d, answer, sentences, title, article, dropped)]
        return separate_acts(checked, found, acts)

    def uncovered(self, decisions: list[Decision], sentences: list[Sentence], extra: list[int],
                  title: str | None) -> list[int]:
        """Sentences worth describing alone: the lede (the first whole sentence, where news states its
        main decision) when no decision cites it; then, at most `MAX_ACTS_DESCRIBED`, those split off a
        decision (`split_acts`) and those whose wording states an act (adopted or rejected: "a validé",
        "ont voté contre") or reports an assembly's vote but that no decision cites (the extraction of a
        whole article misses some), whole sentences that do not refer back first; then, at most
        `MAX_DESCRIBED` more, the first whole sentences no decision cites that word a decision
        (`decision_cues`) with a status ("a présenté son plan"), unless they are someone's words (a
        quotation), speak of what came before ("Cette indécision…"), suppose ("Si la situation…") or
        tell again a listed decision of that status (`_told`): headings and quotations restate
        decisions already listed."""
        # an act split off (`split_acts`) is still cited under its decision until described
        cited = {e.sentence for d in decisions for e in d.evidence} - set(extra)
        whole = whole_sentences(sentences, title)
        lede = [n for n in whole[:1] if n not in cited]
        cues = self.prompt.get("status_cues", {})
        worded = {s.index: cued_status(s.text, cues) for s in sentences if s.index not in cited}
        extra = [n for n in extra if n not in lede]
        stated = [n for n in worded if n not in extra + lede
                  and ({"adopted", "rejected"} & set(worded[n]) or self._voting_body(sentences[n].text))]
        # whole sentences of their own subject first: a heading ("… rejetés") or a follow-up ("Cet article a
        # été adopté par 66 voix") restates an act a sentence near it tells whole, and took its place
        stated.sort(key=lambda n: (n not in whole or refers_back(sentences[n].text)))
        planned = [n for n in whole if n in worded and n not in extra + lede + stated and worded[n]
                   and self._cued(text := sentences[n].text, "decision_cues")
                   and not (_quoted(text) or refers_back(text) or _HYPOTHETICAL.match(text))
                   and not any(d.status == worded[n][0] and self._told(text, d) for d in decisions)]
        return lede + (extra + stated)[:MAX_ACTS_DESCRIBED] + planned[:MAX_DESCRIBED]

    def _told(self, sentence: str, decision: Decision) -> bool:
        """Whether `decision` names someone or something the French `sentence` names besides its actor
        (the seed's "L'Otan n'a toujours pas décidé s'il retirerait ses troupes d'Afghanistan" and its
        listed deferral: Afghanistan), as `same_act` compares two decisions."""
        names = set(proper_names(sentence))

        def found(english: str) -> set[str]:
            return names - set(missing_names(sentence, english, self.glossary))

        return bool(found(decision.decision) - found(decision.actor))

    def _apply_check(self, d: Decision, answer: dict | None, sentences: list[Sentence], title: str | None,
                     article: str, dropped: list[str]) -> bool:
        """Apply a check's answer to `d` in code; False when `d` is to be dropped (into `dropped`). What
        no evidence sentence words as a decision (`_worded`) is dropped, what every one words only as a
        reaction (`reaction_cues`: "se dit dégoûté", "a réagi X après le vote"), and what the answer calls no
        decision unless the wording states a status; the answer's status is taken where the evidence
        words none or words it first (`cued_status`); an actor must be named in the evidence, the
        sentence before it or the title (as a party, not as the channel a statement was made on); an
        assembly whose vote the evidence reports, or the body a named person's office acts for,
        replaces the actor."""
        cues = self.prompt.get("status_cues", {})
        if not any(self._worded(e.text) for e in d.evidence):
            dropped.append(f"{d.decision[:80]}: no wording of a decision in its evidence")
            return False
        if all(has_wording(e.text, self.prompt.get("reaction_cues", [])) and not cued_status(e.text, cues)
               for e in d.evidence):
            dropped.append(f"{d.decision[:80]}: a reaction, not a decision (its evidence words no status)")
            return False
        if answer is None:
            d.flags.append("not verified: no valid answer to the check")
            return True
        words = self.prompt.get("actor_words", {})
        offices = self.prompt.get("office_bodies", {})
        if answer.get("is_decision") is False and not cued_status(d.evidence[0].text, cues):
            dropped.append(f"{d.decision[:80]}: not a decision, by the check and the wording")
            return False
        status, actor = answer.get("status"), " ".join(str(answer.get("decided_by", "")).split())
        # the answer's status only where the evidence wording would not replace it (`check_status`)
        if status and status != d.status and check_status(status, d.evidence[0].text, cues)[1] is None:
            d.flags.append(f"status set to {status!r} by the check (extraction said {d.status!r})")
            d.status = status
        first = d.evidence[0].sentence
        evidence = " ".join(e.text for e in d.evidence)
        context = " ".join(filter(None, [title, sentences[first - 1].text if first else "", evidence]))
        named = self._named(d.actor, context)
        if actor and actor.lower() != d.actor.lower() and self._named(actor, context):
            # The check names the body that decided; the extraction often names the person quoted, or
            # a body only the sentence before or the title names (dev 20279: "the government", whose
            # bill the strike is against, for the SNCF that the evidence names).
            if (not named or is_person(d.actor, words) and not is_person(actor, words)
                    or self._named(actor, evidence) and not self._named(d.actor, evidence)):
                d.flags.append(f"actor set to {actor!r} by the check (extraction said {d.actor!r})")
                d.actor = self.glossary.enforce(actor)
                named = True
        body = self._voting_body(d.evidence[0].text)
        if body and body.lower() != d.actor.lower():
            d.flags.append(f"actor set to {body!r}, the assembly whose vote the evidence reports (was {d.actor!r})")
            d.actor, named = body, True
        elif is_person(d.actor, words) and (office := office_body(d.actor, [s.text for s in sentences], offices)):
            d.flags.append(f"actor set to {office!r}, for whom the article says {d.actor!r} acts")
            d.actor, named = office, True
        elif office := office_actor(d.actor, self.prompt.get("english_offices", {})):
            d.flags.append(f"actor set to {office!r}: {d.actor!r} is an office, not the body that decided")
            d.actor = office
        elif company := management_body(d.actor, d.evidence[0].text, proper_names(d.evidence[0].text),
                                        self.prompt.get("management_words", [])):
            d.flags.append(f"actor set to {company!r}: {d.actor!r} is the management of what the evidence names")
            d.actor, named = company, True
        if not named:
            d.flags.append("actor not named in the evidence, the sentence before it or the title")
        return True

    def _cued(self, sentence: str, *lists: str) -> bool:
        """Whether a sentence has a cue of the prompt file's `lists` ("decision_cues", "vote_cues")."""
        text = cue_text(sentence)
        return any(c in text for key in lists for c in self.prompt.get(key, []))

    def _worded(self, sentence: str) -> bool:
        """Whether a sentence has the wording of a decision: a decision, status or vote cue (prompt file)."""
        return (self._cued(sentence, "decision_cues", "decision_words", "vote_cues")
                or bool(cued_status(sentence, self.prompt.get("status_cues", {}))))

    def _voting_body(self, sentence: str) -> str | None:
        """The assembly whose vote the sentence reports (`voting_body` with the prompt file's tables)."""
        return voting_body(sentence, self.prompt.get("vote_cues", []), self.prompt.get("vote_bodies", {}))

    def _named(self, actor: str, context: str) -> bool:
        """Whether `actor` is named in `context` as a party, not only as the medium of a statement ("sur LCI")."""
        return (actor_named(actor, context, self.glossary, self.prompt.get("actor_words", {}))
                and not only_a_medium(actor, context))

    def english_decisions(self, decisions: list[Decision], source: str) -> None:
        """Mend what was decided where the extraction left it in French (on one held-out article, every
        decision it listed was its evidence sentence copied: the description is translated) or cut it
        short at a quotation ("the RATP will be ": `cut_short`) or to a status ("The law was postponed.":
        `says_nothing`) — then its first evidence sentence is translated instead —, one segment each;
        what the translation loses or leaves French is flagged and kept, and a figure it brings that the
        article lacks ("10 lignes de métro sur seize" came back "closed for 18 hours") is flagged as the
        extraction's are (`invented_flags`)."""
        for d in decisions:  # "Danemark announced…": a country's French name needs no model (CLDR)
            d.decision = english_country_names(d.decision)
        todo = [(d, fault) for d in decisions if (fault := description_fault(d.decision, source))]
        texts = [d.decision if fault == "left in French" else d.evidence[0].text for d, fault in todo]
        for (d, fault), segment in zip(todo, self.translator.translate_texts(texts)):
            if segment.lost or not in_english(segment.target, source):
                d.flags.append(f"what was decided {fault}")
            else:
                d.flags.append("what was decided " + ("put into English" if fault == "left in French"
                                                      else f"{fault}, told by its evidence's translation"))
                d.flags += [f for f in invented_flags(segment.target, source) if f not in d.flags]
                d.decision = segment.target

    def english_actors(self, decisions: list[Decision], source: str) -> None:
        """Put into English the actors that French is left in: a country by its CLDR name (Malte), an
        assembly `vote_bodies` lists by its English name there (Assemblée), others ("Le Senate",
        "Ministre du travail") by one short request each, on parallel slots; an answer still holding
        French, naming what the article does not (the Elysée asked into English came back "The White
        House") or dropping a name ("court of appeal de Mascara" came back "Court of Appeal of the
        North-West"), is not taken, and the decision is flagged instead."""
        words = self.prompt.get("actor_words", {})
        bodies = self.prompt.get("vote_bodies", {})
        for d in decisions:  # a country or an assembly named in French needs no model: CLDR or `vote_bodies` has it
            english = english_country(d.actor) or french_body(d.actor, bodies)
            if not english and (named := english_country_names(d.actor)) != d.actor:  # "Danemark's government"
                english = named
            if english:
                d.flags.append(f"actor put into English (was {d.actor!r})")
                d.actor = english
        todo = [d for d in decisions if french_in_actor(d.actor, source, words)]
        if not todo or "actor_english" not in self.prompt:
            return
        answers = self._chat_all([
            ChatRequest(messages=[{"role": "system", "content": self.prompt["system"]},
                                  {"role": "user", "content": self.prompt["actor_english"].format(actor=d.actor)}],
                        max_tokens=ACTOR_MAX_TOKENS)
            for d in todo
        ])
        for d, out in zip(todo, answers):
            english = self.glossary.enforce(" ".join(out.text.strip().strip('."\'').split()))
            ok = out.finish_reason == "stop" and english and not french_in_actor(english, source, words)
            if ok and (names := unknown_names(english, source, self.glossary)):
                d.flags.append(f"actor left partly in French: its English, {english!r}, names what the article "
                               f"does not ({', '.join(names)})")
            elif ok and (lost := missing_names(d.actor, english, self.glossary)):
                d.flags.append(f"actor left partly in French: its English, {english!r}, drops {', '.join(lost)}")
            elif ok and (assembly := another_assembly(d.actor, english, bodies)):
                d.flags.append(f"actor left partly in French: its English, {english!r}, names {assembly}, "
                               "which it does not")
            elif ok:
                d.flags.append(f"actor put into English (was {d.actor!r})")
                d.actor = english
            else:
                d.flags.append("actor left partly in French")

    def _check_fits(self, doc: Document, article: str) -> None:
        """Refuse up front an article that cannot fit the model's window, rather than send requests
        that are sure to fail. The estimate errs low (4 characters a token), so what it refuses
        would certainly overflow."""
        window = self.runtime.context
        prompt = len(self.prompt["system"]) + len(article) + len(doc.title or "")
        needed = prompt // CHARS_PER_TOKEN_LOW + EXTRACT_MAX_TOKENS
        if window is not None and needed > window:
            raise InputError(
                f"{doc.name} is too long for a brief with {self.runtime.model_id}: about {needed:,} tokens "
                f"({len(doc.text):,} characters) for a {window:,}-token window. Translate it instead "
                "(`summarize translate` works piece by piece) or brief it in parts."
            )

    def brief(self, doc: Document, *, progress: Progress | None = None) -> Brief:
        """Summary + grounded decisions (`attach_translation` adds a translation)."""
        started = time.perf_counter()
        before = self.usage.snapshot()
        timings: dict[str, float] = {}
        total = 2
        # The model sees the article without sentences addressed to it, numbered afresh, so that an
        # injected line changes nothing it reads; evidence numbers are mapped back to the source.
        every = doc.sentences
        source_index = [s.index for s in every if not addressed_to_model(s.text)]
        sentences = [replace(every[i], index=n) for n, i in enumerate(source_index)]
        article = numbered_article(sentences)
        self._check_fits(doc, article)

        t = time.perf_counter()
        english: dict[int, Segment] | None = None
        if self.extract_from == "english":  # every sentence translated alone, its number kept
            english = dict(zip((s.index for s in sentences), self.translator.translate_texts([s.text for s in sentences])))
            article = numbered_article([s if english[s.index].lost else replace(s, text=english[s.index].target)
                                        for s in sentences])
            timings["translation"] = time.perf_counter() - t
        self.runtime.cache_prefix([{"role": "system", "content": self.prompt["system"]}])  # every request's opening
        proposed = self.extract(article, doc.title, self.candidates(sentences), english=english is not None)
        decisions, grounding = ground_decisions(proposed.decisions, sentences, self.glossary,
                                                self.prompt.get("status_cues"))
        if "verify" in self.prompt:
            decisions = self.verify(decisions, sentences, doc.title, grounding.dropped)
            self.english_actors(decisions, doc.text)
            self.english_decisions(decisions, doc.text)
            decisions = fold_follow_ups(merge_twins(decisions), self.prompt.get("status_cues", {}),
                                        lambda text: self._voting_body(text) is not None)
        for d in decisions:  # a name the article does not have is invented (or brought in from elsewhere)
            names = unknown_names(f"{d.actor}. {d.decision}", f"{doc.title or ''}\n{doc.text}", self.glossary)
            if names:
                d.flags.append("names not in the article: " + ", ".join(names))
        grounding.flagged = sum(1 for d in decisions if d.flags)
        for evidence in (e for d in decisions for e in d.evidence):
            evidence.sentence = source_index[evidence.sentence]
        shown = set(source_index)
        grounding.ignored_sentences = [s.text for s in every if s.index not in shown]
        timings["decisions"] = time.perf_counter() - t
        if progress:
            progress(1, total)

        t = time.perf_counter()
        summary, grounding.summary_unsupported_numbers, grounding.untranslated, grounding.unknown_names = (
            self.summarize([every[i] for i in source_index], decisions, doc.title, doc.text,
                           {source_index[n]: seg for n, seg in english.items()} if english else None))
        timings["summary"] = time.perf_counter() - t
        if progress:
            progress(2, total)

        timings["total"] = time.perf_counter() - started
        usage = self.usage - before
        return Brief(
            source=Source(
                file=doc.name,
                sha256=doc.sha256,
                language=doc.language,
                title_fr=doc.title,
                title_en=self.glossary.enforce(proposed.title_in_english.strip()) or None,
                published=doc.metadata.get("published"),
            ),
            summary=summary,
            decisions=decisions,
            grounding=grounding,
            model=ModelInfo(id=self.runtime.model_id, runtime=self.runtime.name, prompt_version=self.prompt_version),
            timings={k: round(v, 3) for k, v in timings.items()},
            usage=asdict(usage),
        )


def attach_translation(brief: Brief, translation: Translation) -> Brief:
    """The brief with the article's translation, its time and its tokens: the one way the two combine
    (`brief --with-translation`, `batch --task all`, the Python API)."""
    usage = Usage(**brief.usage) + Usage(translation.prompt_tokens, translation.completion_tokens)
    timings = {**brief.timings, "translation": round(translation.seconds, 3),
               "total": round(brief.timings["total"] + translation.seconds, 3)}
    return brief.model_copy(update={"translation": translation.text(), "timings": timings, "usage": asdict(usage)})


def brief_json(brief: Brief) -> str:
    return json.dumps(brief.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


def brief_markdown(brief: Brief) -> str:
    """A readable brief: title, summary, a decisions table, and the evidence quoted.

    Every text comes from the article or the model, so `<`, `>` and `&` are HTML-escaped: a
    Markdown viewer shows them literally instead of rendering an article's `<script>` or `<img>`.
    """
    from html import escape

    def md(text: str) -> str:
        return escape(text, quote=False)

    src = brief.source
    lines = [f"# {md(src.title_en or src.title_fr or src.file)}", ""]
    if src.title_fr:
        lines += [f"*{md(src.title_fr)}* — {md(src.file)}" + (f", {md(src.published)}" if src.published else ""), ""]
    lines += ["## Summary", "", md(brief.summary), "", "## Decisions", ""]
    if brief.decisions:
        lines += ["| id | status | actor | decision | date | figures |", "|---|---|---|---|---|---|"]
        for d in brief.decisions:
            cells = [d.id, d.status, d.actor, d.decision, d.date or "", ", ".join(d.figures)]
            lines.append("| " + " | ".join(md(c).replace("|", "\\|") for c in cells) + " |")
        lines.append("")
        for d in brief.decisions:
            lines.append(f"**{d.id}** evidence:")
            lines += [f"> [{e.sentence}] {md(e.text)}" for e in d.evidence]
            lines += [f"- ⚠ {md(f)}" for f in d.flags]
            lines.append("")
    else:
        lines += ["No decisions found.", ""]
    g = brief.grounding
    if g.dropped or g.summary_unsupported_numbers or g.unknown_names:
        lines += ["## Grounding", ""]
        lines += [f"- dropped: {md(d)}" for d in g.dropped]
        if g.summary_unsupported_numbers:
            numbers = md(", ".join(g.summary_unsupported_numbers))
            lines.append(f"- figures or dates in the summary not found in the source: {numbers}")
        if g.unknown_names:
            lines.append(f"- names in the summary not found in the source: {md(', '.join(g.unknown_names))}")
        lines.append("")
    lines.append(f"*{md(brief.model.id)} ({brief.model.runtime}), prompt {md(brief.model.prompt_version)}, "
                 f"{brief.timings.get('total', 0):.0f} s*")
    return "\n".join(lines) + "\n"
