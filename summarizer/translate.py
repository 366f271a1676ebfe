"""The translate task: French text → faithful English, segment by segment, with checks and a retry.

A document is translated line by line (headings, paragraphs, quote and attribution lines each
stay a line), so the output keeps the source's structure by construction. Lines too long for one
request are split at the sentences the document was segmented into (`Document.structure`), and
each segment records the ids of its sentences: the numbers a brief's evidence cites.
Every output is checked (empty, truncated, repeated,
implausible length, figures or proper names dropped); a failing segment is retried once and the better
candidate kept, its remaining issues recorded rather than hidden.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from .documents import Document
from .glossary import Glossary
from .leftovers import french_words
from .negation import english_of, french_negations, lost_negations
from .numbers import french_numbers, invented_figures, missing_numbers, to_english_number
from .propernames import missing_names
from .prompts import load_prompt
from .runtimes.base import ChatRequest, Completion, Runtime, Usage
from .segment import split_sentences

Progress = Callable[[int, int], None]
#: One request: text, context, attempt (0: greedy), and whether its French negations are glossed.
Job = tuple[str, str | None, int, bool]

#: Longest piece sent in one request (characters); longer lines are split at sentence ends.
MAX_PIECE_CHARS = 900
#: Short lines inside a multi-line block (an attribution under a quote, "militaires" under "4.000")
#: are ambiguous alone: they get the block's previous line as context. Headings do not: with
#: context, the model tends to fold the previous paragraph into the heading ("Horizon 2030" → "2030").
SHORT_LINE_WORDS = 6
#: Issues that leave a segment without a complete translation (the output would be partial).
LOSING_ISSUES = frozenset({"empty", "truncated"})
#: Translations a `Translator` keeps, by text and context: a brief translates some sentences twice (one
#: a decision is told by, then again in the summary made of the same sentences), and a document may
#: repeat a line. Recalled, a sentence costs no request and reads the same in both places.
MEMO_SIZE = 512


@dataclass
class Segment:
    """One translated unit: a line of the source (or a whole line of a `--lines` file)."""

    source: str
    target: str = ""
    block: int = 0
    line: int = 0
    kind: str = "paragraph"
    #: Ids of the source sentences in this line (`Document.sentences`, a brief's evidence numbers);
    #: empty for independent texts (`translate_lines`).
    sentences: tuple[int, ...] = ()
    issues: list[str] = field(default_factory=list)
    attempts: int = 0
    #: Every translation considered, in the order made (greedy first), when there was more than
    #: one: what `best` chose among, and what bench/translate.py measures the choice against.
    candidates: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        """`block.line`, 1-based, as messages name a segment."""
        return f"{self.block + 1}.{self.line + 1}"

    @property
    def lost(self) -> bool:
        """No usable translation: nothing came back, or only a failed or cut-off answer."""
        if not self.source.strip():
            return False
        return not self.target.strip() or any(i in LOSING_ISSUES or i.startswith("error") for i in self.issues)


@dataclass
class Translation:
    segments: list[Segment]
    model: str
    runtime: str
    prompt_version: str
    seconds: float
    prompt_tokens: int = 0
    completion_tokens: int = 0

    def blocks(self) -> list[list[Segment]]:
        out: list[list[Segment]] = []
        for seg in self.segments:
            if not out or out[-1][0].block != seg.block:
                out.append([])
            out[-1].append(seg)
        return out

    @property
    def lost(self) -> list[Segment]:
        """Segments with no usable translation: a CLI run with any of them fails (exit 4)."""
        return [s for s in self.segments if s.lost]

    def text(self) -> str:
        return "\n\n".join("\n".join(s.target for s in block) for block in self.blocks()) + "\n"

    def markdown(self) -> str:
        parts = []
        for block in self.blocks():
            kind = block[0].kind
            if kind == "heading":
                parts.append("## " + " ".join(s.target for s in block))
            elif kind == "quote":
                parts.append("\n".join("> " + s.target for s in block))
            else:
                parts.append("  \n".join(s.target for s in block))
        return "\n\n".join(parts) + "\n"

    def as_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "runtime": self.runtime,
            "prompt_version": self.prompt_version,
            "segments": [asdict(s) for s in self.segments],
            "timings": {"seconds": round(self.seconds, 3)},
            "tokens": {"prompt": self.prompt_tokens, "completion": self.completion_tokens},
        }


def english_number_forms(text: str) -> str:
    """Rewrite French-formatted figures (3.500, 2,5) in their English form before translation:
    the model then copies them instead of guessing, which is where small models slip."""
    out, last = [], 0
    for num in french_numbers(text):
        if num.kind not in ("number", "percent"):
            continue  # ordinals and times read naturally in French ("1er mai"); years need nothing
        out.append(text[last : num.start])
        out.append(to_english_number(num.text))
        last = num.end
    out.append(text[last:])
    return "".join(out)


_REPEAT = re.compile(r"(\b\w+(?:\W+\w+){1,8}?\b)(?:\W+\1\b){3,}", re.IGNORECASE)
_PREAMBLE = re.compile(r"^\s*(?:here is the translation|translation|english|in english)\s*:\s*", re.IGNORECASE)
_QUOTES = "\"'«»“”"


def clean_output(source: str, target: str) -> str:
    """Undo the usual chat-model wrappers: preambles, added surrounding quotes, line breaks."""
    target = _PREAMBLE.sub("", target.strip())
    if (
        len(target) > 1
        and target[0] in _QUOTES
        and target[-1] in _QUOTES
        and source.strip()[:1] not in _QUOTES
    ):
        target = target[1:-1].strip()
    return re.sub(r"\s*\n+\s*", " ", target)


def check(source: str, target: str, completion: Completion, glossary: Glossary | None = None) -> list[str]:
    """What is wrong with `target` as a translation of `source` (empty list: nothing found); a
    proper name the glossary maps must be in its English form."""
    if completion.finish_reason == "error":
        return [f"error: {completion.error}"]
    if not target.strip():
        return ["empty"]
    issues = []
    if completion.finish_reason == "length":
        issues.append("truncated")
    if _REPEAT.search(target) and not _REPEAT.search(source):
        issues.append("repeated")
    if len(source) > 40 and not 0.4 <= len(target) / len(source) <= 2.2:
        issues.append("length")
    return issues + content_issues(source, target, glossary)


#: What `content_issues` checks, as its issues are labelled: what `repairable` can mend sentence by sentence.
_CONTENT_LABELS = ("numbers", "french", "names", "negation", "invented")


def content_issues(source: str, target: str, glossary: Glossary | None = None) -> list[str]:
    """What of `source` is missing from, or left French in, `target`: figures, proper names, French
    words, a negation (`lost_negations`); and figures or dates `target` has that `source` lacks
    (`invented_figures`: "10 lignes de métro sur seize" came back "10 metro lines closed for 18
    hours"). These can be told sentence by sentence, so a segment that fails only them is
    repairable (`repairable`)."""
    found = (missing_numbers(source, target), french_words(target, source), missing_names(source, target, glossary),
             lost_negations(source, target), invented_figures(target, source))
    return [f"{label}: " + ", ".join(items) for label, items in zip(_CONTENT_LABELS, found) if items]


def negation_lost(issues: Sequence[str]) -> bool:
    """Whether a translation's issues (`check`) say it still lost a French negation: it says the opposite."""
    return any(issue.startswith("negation:") for issue in issues)


def repairable(source: str, target: str, issues: Sequence[str],
               glossary: Glossary | None = None) -> tuple[list[str], list[str], list[int]] | None:
    """A failing segment's source and target sentences and the ones to translate again alone, when
    only some of its sentences fail and they align one to one; None when the whole segment must go
    again (one sentence, a cut-off or implausible output, sentences merged or split by the model).
    Sending the failing sentence alone costs a fraction of the segment's tokens (a four-sentence
    seed paragraph that dropped "2001": 20 generated tokens instead of 100) and its short context
    is what makes the model keep the figure."""
    if not issues or not all(i.split(":", 1)[0] in _CONTENT_LABELS for i in issues):
        return None
    src, tgt = split_sentences(source), split_sentences(target)
    if len(src) < 2 or len(src) != len(tgt):
        return None
    bad = [k for k, (s, t) in enumerate(zip(src, tgt)) if content_issues(s, t, glossary)]
    return (src, tgt, bad) if 0 < len(bad) < len(src) else None


def max_tokens(source: str) -> int:
    """Output budget: a translation rarely needs more than one token per 2.5 source characters;
    the margin lets short lines finish while still cutting off a runaway."""
    return int(len(source) / 2.5) + 48


def split_piece(line: str, sentences: Sequence[str], limit: int = MAX_PIECE_CHARS) -> list[str]:
    """`line` whole if it has at most `limit` characters, else its `sentences` in groups of at most
    `limit` characters; a sentence longer than that (scraped text without punctuation) is cut at
    clause, then word boundaries, so no request can outgrow the model's window."""
    if len(line) <= limit:
        return [line]
    pieces: list[str] = []
    for sentence in sentences:
        for part in _cut(sentence, limit):
            if pieces and len(pieces[-1]) + 1 + len(part) <= limit:
                pieces[-1] += " " + part
            else:
                pieces.append(part)
    return pieces


def _cut(sentence: str, limit: int) -> list[str]:
    """`sentence` in parts of at most `limit` characters, cut after `;`/`,` where possible, else at spaces."""
    parts: list[str] = []
    rest = sentence
    while len(rest) > limit:
        window = rest[: limit + 1]
        cut = max(window.rfind("; "), window.rfind(", "))
        cut = cut + 1 if cut > limit // 3 else window.rfind(" ")
        if cut <= 0:  # one "word" longer than the limit (a URL, a table flattened without spaces)
            cut = limit
        parts.append(rest[:cut].strip())
        rest = rest[cut:].strip()
    return parts + ([rest] if rest else [])


@dataclass(frozen=True)
class Quality:
    candidates: int  # translations per segment: greedy first, then sampled
    retries: int  # extra sampled tries for a segment whose best candidate has issues


#: fast: one greedy pass. balanced (default): a retry for segments that fail a check (about the
#: time of fast: one segment in ten fails). best: three candidates per segment, chosen by agreement
#: (minimum Bayes risk with chrF): 3x the time. On the embedded 1.5B model the three are within
#: run-to-run noise of one another on FLORES (bench/RESULTS.md); best is there for stronger models.
QUALITY = {
    "fast": Quality(candidates=1, retries=0),
    "balanced": Quality(candidates=1, retries=1),
    "best": Quality(candidates=3, retries=1),
}


#: Upper bound for `--candidates`: each candidate costs a full decode of the segment.
MAX_CANDIDATES = 16


def choose(candidates: list[tuple[str, list[str]]]) -> tuple[str, list[str]]:
    """The candidate with the fewest issues; among those, the one that agrees most with the
    others (chrF, minimum Bayes risk); ties go to the earlier (greedy) candidate."""
    fewest = min(len(issues) for _, issues in candidates)
    pool = [c for c in candidates if len(c[1]) == fewest]
    if len(pool) < 3:
        return pool[0]
    from sacrebleu.metrics import CHRF

    chrf = CHRF()
    texts = [t for t, _ in candidates]

    def support(c: tuple[str, list[str]]) -> float:
        return sum(chrf.sentence_score(c[0], [o]).score for o in texts) - 100.0  # minus itself

    return max(pool, key=support)


def _copy(segment: Segment) -> Segment:
    """A segment whose lists the caller may change without touching the original."""
    return replace(segment, issues=list(segment.issues), candidates=list(segment.candidates))


class Translator:
    """Translates segments with one loaded runtime; reusable across documents (batch mode)."""

    def __init__(self, runtime: Runtime, glossary: Glossary, *, quality: str = "balanced",
                 candidates: int | None = None) -> None:
        """`candidates` overrides the quality level's number of translations per segment."""
        if quality not in QUALITY:
            raise ValueError(f"quality must be one of {', '.join(QUALITY)}")
        if candidates is not None and not 1 <= candidates <= MAX_CANDIDATES:
            raise ValueError(f"candidates must be between 1 and {MAX_CANDIDATES}")
        self.runtime = runtime
        self.glossary = glossary
        self.level = QUALITY[quality] if candidates is None else replace(QUALITY[quality], candidates=candidates)
        self.prompt = load_prompt("translate")
        self.usage = Usage()
        self._memo: dict[tuple[str, str | None], Segment] = {}  # oldest first (`MEMO_SIZE`)

    @property
    def prompt_version(self) -> str:
        return self.prompt["version"] if self.runtime.kind == "chat" else "seq2seq"

    def _prefix(self) -> list[dict[str, str]]:
        """The messages every request opens with: system prompt and the prompt file's examples, if it
        has any (the runtime may cache them)."""
        p = self.prompt
        messages = [{"role": "system", "content": p["system"]}]
        for ex in p.get("examples", []):
            messages += [
                {"role": "user", "content": p["hint_header"] + ex["fr"]},
                {"role": "assistant", "content": ex["en"]},
            ]
        return messages

    def _messages(self, text: str, context: str | None, negations: bool = False) -> list[dict[str, str]]:
        """`negations`: the text's French negations glossed among its terms (a retry of a lost one)."""
        p = self.prompt
        messages = self._prefix()
        hints = ""
        terms = self.glossary.matches(text)
        if negations:
            gloss = p.get("negation_term", "{english}")
            terms |= {n: gloss.format(english=english_of(n)) for n in french_negations(text)}
        if terms:
            hints += p["hint_glossary"].format(terms="; ".join(f"{k} = {v}" for k, v in terms.items()))
        if context:
            hints += p["hint_context"].format(context=context)
        messages.append({"role": "user", "content": p["user"].format(hints=hints + p["hint_header"], text=text)})
        return messages

    def _request(self, text: str, context: str | None, attempt: int, negations: bool = False) -> ChatRequest:
        return ChatRequest(
            messages=self._messages(english_number_forms(text), context, negations),
            max_tokens=max_tokens(text),
            temperature=0.0 if attempt == 0 else 0.5,
            seed=attempt,
        )

    def _run(self, jobs: Sequence[Job], on_done: Callable[[], None]) -> list[Completion]:
        """One completion per job, sent together so the slots stay busy."""
        def tick(_i: int, _c: Completion) -> None:
            on_done()

        if self.runtime.kind == "seq2seq":
            texts = [job[0] for job in jobs]
            out = self.runtime.translate(texts, max_tokens=max(map(max_tokens, texts)), on_result=tick)
        else:
            out = self.runtime.chat([self._request(*job) for job in jobs], on_result=tick)
        self.usage.add(out)
        return out

    def translate_texts(
        self, texts: Sequence[str], contexts: Sequence[str | None] | None = None,
        progress: Progress | None = None,
    ) -> list[Segment]:
        """Translate independent texts (each one line); empty texts stay empty, and a text this translator
        translated before in the same context, or that this call repeats, is asked once (`MEMO_SIZE`)."""
        keys = list(zip(texts, contexts or [None] * len(texts)))
        contexts = [c for _, c in keys]
        first = {k: i for i, k in reversed(list(enumerate(keys)))}  # a text repeated in this call is asked once
        segments = [_copy(self._memo[k]) if k in self._memo else Segment(source=k[0]) for k in keys]
        candidates: list[list[tuple[str, list[str]]]] = [[] for _ in texts]
        todo = [i for i, k in enumerate(keys) if texts[i].strip() and k not in self._memo and first[k] == i]
        # Greedy seq2seq decoding gives the same output every time: one candidate, no retry.
        level = self.level if self.runtime.kind == "chat" else QUALITY["fast"]
        if self.runtime.kind == "chat" and todo:
            self.runtime.cache_prefix(self._prefix())
        total, done = len(todo) * level.candidates, 0

        def on_done() -> None:
            nonlocal done
            done += 1
            if progress:
                progress(done, total)

        def add(i: int, target: str, completion: Completion) -> None:
            target = self.glossary.enforce(target, texts[i])
            candidates[i].append((target, check(texts[i], target, completion, self.glossary)))

        # Every segment gets `candidates` tries (greedy, then sampled).
        for attempt in range(level.candidates):
            results = self._run([(texts[i], contexts[i], attempt, False) for i in todo], on_done)
            for i, completion in zip(todo, results):
                add(i, clean_output(texts[i], completion.text), completion)
        # Retries go only to segments whose best candidate still has issues: the failing sentences
        # alone (greedy) where the segment is `repairable`, else the whole segment, sampled.
        for retry in range(level.retries):
            failing = [i for i in todo if min(len(c[1]) for c in candidates[i])]
            if not failing:
                break
            best = {i: min(candidates[i], key=lambda c: len(c[1])) for i in failing}
            plans = {i: repairable(texts[i], *best[i], self.glossary) for i in failing}
            jobs: list[Job] = []
            for i in failing:
                # a lost negation is asked again with its English named (`Job`'s last field)
                plan = plans[i]
                jobs += ([(plan[0][k], None, 0, bool(lost_negations(plan[0][k], plan[1][k]))) for k in plan[2]] if plan
                         else [(texts[i], contexts[i], level.candidates + retry, negation_lost(best[i][1]))])
            total += len(jobs)
            results = iter(self._run(jobs, on_done))
            for i in failing:
                plan = plans[i]
                if plan is None:
                    completion = next(results)
                    add(i, clean_output(texts[i], completion.text), completion)
                    continue
                src, tgt, bad = plan
                fixed, completions = list(tgt), []
                for k in bad:
                    completions.append(next(results))
                    fixed[k] = clean_output(src[k], completions[-1].text) or tgt[k]
                # The spliced whole is checked as one candidate (with a failed sentence's completion, if
                # any): `choose` keeps it only if it has fewer issues than the first translation.
                add(i, " ".join(fixed), min(completions, key=lambda c: c.finish_reason == "stop"))
        for i in todo:
            segments[i].target, segments[i].issues = choose(candidates[i])
            segments[i].attempts = len(candidates[i])
            if len(candidates[i]) > 1:
                segments[i].candidates = [t for t, _ in candidates[i]]
            if not segments[i].lost:  # a failed answer is asked again next time
                self._memo[keys[i]] = _copy(segments[i])
                if len(self._memo) > MEMO_SIZE:
                    del self._memo[next(iter(self._memo))]
        return [seg if first[k] == i else _copy(segments[first[k]]) for i, (k, seg) in enumerate(zip(keys, segments))]

    def translate_lines(self, lines: Sequence[str], progress: Progress | None = None) -> Translation:
        """One output line per input line, in order (the format of FLORES/WMT test sets)."""
        started = time.perf_counter()
        before = self.usage.snapshot()
        segments = self.translate_texts([ln.strip() for ln in lines], progress=progress)
        for n, seg in enumerate(segments):
            seg.block, seg.line = n, 0
        return self._result(segments, started, before)

    def translate_document(self, doc: Document, progress: Progress | None = None) -> Translation:
        """Translate a cleaned document, keeping its blocks and lines."""
        started = time.perf_counter()
        before = self.usage.snapshot()
        # (block, line, kind, sentence ids, piece) for every piece to translate, in document order.
        pieces: list[tuple[int, int, str, tuple[int, ...], str]] = []
        for block, n, sentences in doc.structure.lines():
            ids = tuple(s.index for s in sentences)
            pieces += [(block.index, n, block.kind, ids, p)
                       for p in split_piece(block.lines[n], [s.text for s in sentences])]
        texts = [p[4] for p in pieces]
        contexts = [
            texts[i - 1] if i and pieces[i - 1][0] == pieces[i][0] and len(t.split()) <= SHORT_LINE_WORDS else None
            for i, t in enumerate(texts)
        ]
        translated = self.translate_texts(texts, contexts, progress)
        segments: list[Segment] = []
        for (block, line, kind, ids, _), seg in zip(pieces, translated):
            if segments and (segments[-1].block, segments[-1].line) == (block, line):
                last = segments[-1]  # a piece of a long line: join it back
                last.source += " " + seg.source
                last.target += " " + seg.target
                last.issues += seg.issues
                last.attempts = max(last.attempts, seg.attempts)
                last.candidates = []  # candidates are per piece, not for the joined line
            else:
                seg.block, seg.line, seg.kind, seg.sentences = block, line, kind, ids
                segments.append(seg)
        return self._result(segments, started, before)

    def _result(self, segments: list[Segment], started: float, before: Usage) -> Translation:
        spent = self.usage - before
        return Translation(
            segments=segments,
            model=self.runtime.model_id,
            runtime=self.runtime.name,
            prompt_version=self.prompt_version,
            seconds=time.perf_counter() - started,
            prompt_tokens=spent.prompt_tokens,
            completion_tokens=spent.completion_tokens,
        )
