"""Score outputs against hand-written gold files: translation, summary facts and decisions.

A gold file ``NAME.gold.json`` lies next to its seed ``NAME.fr.txt``::

    {"source": "NAME.fr.txt", "translation": "NAME.gold.en.txt", "summary": "…",
     "facts": [{"id": "F1", "text": "…", "require": [["Iraq"], ["train"], ["expand", "4,000"]]}],
     "decisions": [{"id": "D1", "actor": "…", "decision": "…", "status": "adopted",
                    "date": "Thursday", "location": "Iraq", "figures": ["500", "4,000"],
                    "accepted_figures": ["3,500"], "evidence": ["<verbatim French sentence>"],
                    "match": [["Iraq", "Irak"], ["train", "mission"]]}]}

Paths are relative to the gold file. ``figures`` must appear in a prediction; ``accepted_figures``
may appear without being counted as wrong. The reference translation has one line per line of
the cleaned source, blank lines included.

Text rule (fact ``require`` and decision ``match``): a list of groups is satisfied when every
group has one alternative in the text. A number alternative ("4,000") is compared by value with
the numbers written in digits in the text ("4000" = "4,000"); any other alternative matches
case-insensitively at the start of a word, so a stem covers its inflections ("train" matches
"training"); one that ends in a digit must not be followed by another ("May 1" is not "May 15").

Decision matching (also reported as ``decisions.matching``): a predicted decision matches a gold
one when (a) its English text (actor + decision + figures) satisfies every ``match`` group, or
(b) one of its evidence texts and one gold evidence sentence overlap: one contains the other,
whitespace-normalised, the shorter being at least 20 characters (so an attribution line such as
"Jens Stoltenberg" matches nothing). Gold decisions are taken in order, each paired with the
first unpaired prediction that matches it (one-to-one, greedy).

Metrics: translation chrF and BLEU (sacrebleu, with signatures) over aligned non-blank lines when
the line counts agree, else over the whole text as one segment; summary fact recall, digit
numbers whose value is not in the source and dates whose day and month it does not give together
(`numbers.invented_figures`, the brief's own check; digits only: "30" is reported even when the
source writes "trente") and sentence count;
decision precision, recall and F1, status accuracy over the pairs, figure accuracy (required gold figures found in the paired prediction, by value), figure
precision (paired predictions' figures that are required or accepted) and evidence grounding
(predicted evidence texts found verbatim, whitespace-normalised, in the cleaned source).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sacrebleu.metrics import BLEU, CHRF

from .documents import read_document
from .errors import InputError, describe_validation
from .naming import OUTPUT_KINDS, input_stem, output_kind
from .numbers import figure_value, figure_values, invented_figures
from .schema import Brief, Status
from .segment import split_sentences

MIN_OVERLAP_CHARS = 20

MATCHING = (
    "A prediction matches a gold decision when (a) its actor + decision + figures text satisfies "
    "every gold `match` group (one alternative per group: numbers by value, words case-insensitively "
    "at a word start), or (b) one of its evidence texts and a gold evidence sentence overlap (one "
    f"contains the other, whitespace-normalised, the shorter >= {MIN_OVERLAP_CHARS} characters). "
    "Gold decisions in order, each paired with the first unpaired matching prediction."
)

Group = Annotated[list[str], Field(min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GoldFact(_Strict):
    """A fact a good summary states: recalled when every ``require`` group is satisfied."""

    id: str
    text: str
    require: list[Group] = Field(min_length=1)


class GoldDecision(_Strict):
    """A decision in the Brief decision schema, with French evidence sentences and match groups."""

    id: str = Field(pattern=r"^D[1-9][0-9]*$")
    actor: str
    decision: str
    status: Status
    date: str | None = None
    location: str | None = None
    figures: list[str] = Field(default_factory=list)
    accepted_figures: list[str] = Field(default_factory=list)
    evidence: list[str] = Field(min_length=1)
    match: list[Group] = Field(min_length=1)
    #: A key decision must be found (recall counts only these); an incidental one may be listed freely.
    key: bool = True
    #: Groups the predicted actor must satisfy: the body that decided, not the person quoted.
    actor_match: list[Group] | None = None

    @field_validator("figures", "accepted_figures")
    @classmethod
    def _numeric(cls, figures: list[str]) -> list[str]:
        for figure in figures:
            if not figure_values(figure):
                raise ValueError(f"figure {figure!r} holds no number")
        return figures


class Gold(_Strict):
    """A gold file; ``load_gold`` makes ``source`` and ``translation`` absolute and checks them."""

    source: Path
    translation: Path | None = None
    summary: str
    facts: list[GoldFact]
    decisions: list[GoldDecision]

    def source_text(self) -> str:
        """The cleaned French article (boilerplate removed, as the tool reads it)."""
        return read_document(self.source).text

    def reference_translation(self) -> str:
        if self.translation is None:
            raise InputError("the gold file has no reference translation")
        return self.translation.read_text(encoding="utf-8")


def load_gold(path: Path) -> Gold:
    """Read and validate a gold file; raise InputError saying what is wrong."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"No such gold file: {path}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path} is not a readable JSON gold file: {exc}") from exc
    try:
        gold = Gold.model_validate(data)
    except ValidationError as exc:
        raise InputError(f"{path} is not a valid gold file: {describe_validation(exc, root='file')}") from exc
    base = path.parent
    gold = gold.model_copy(
        update={"source": base / gold.source, "translation": base / gold.translation if gold.translation else None}
    )
    for linked in (gold.source, gold.translation):
        if linked is not None and not linked.is_file():
            raise InputError(f"{path} names {linked}, which does not exist")
    return gold


# ---- text rules ----------------------------------------------------------------------------


def _norm(text: str) -> str:
    return " ".join(text.split())


def _has(text: str, alternative: str) -> bool:
    value = figure_value(alternative)
    if value is None:
        end = r"(?!\d)" if alternative[-1:].isdigit() else ""
        return re.search(r"(?<!\w)" + re.escape(_norm(alternative)) + end, text, re.IGNORECASE) is not None
    return value in figure_values(text)


def satisfies(text: str, groups: list[list[str]]) -> bool:
    """Whether every group has an alternative in ``text`` (the module's text rule)."""
    text = _norm(text)
    return all(any(_has(text, alt) for alt in group) for group in groups)


def _overlap(a: str, b: str) -> bool:
    short, long = sorted((_norm(a), _norm(b)), key=len)
    return len(short) >= MIN_OVERLAP_CHARS and short in long


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


# ---- metrics -------------------------------------------------------------------------------


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def translation_scores(hypothesis: str, reference: str) -> dict[str, Any]:
    """chrF and BLEU: over aligned non-blank lines when their counts agree, else one segment."""
    hyp, ref = _lines(hypothesis), _lines(reference)
    segmentation = "lines" if len(hyp) == len(ref) else "document"
    if segmentation == "document":
        hyp, ref = [" ".join(hyp)], [" ".join(ref)]
    chrf, bleu = CHRF(), BLEU()
    chrf_score, bleu_score = chrf.corpus_score(hyp, [ref]), bleu.corpus_score(hyp, [ref])
    return {
        "chrf": chrf_score.score,
        "bleu": bleu_score.score,
        "segmentation": segmentation,
        "hypothesis_lines": len(_lines(hypothesis)),
        "reference_lines": len(_lines(reference)),
        "chrf_signature": str(chrf.get_signature()),
        "bleu_signature": str(bleu.get_signature()),
    }


def evaluate_translation(hyp_text: str, gold: Gold) -> dict[str, Any]:
    """Translation metrics of ``hyp_text`` against the gold reference translation."""
    return translation_scores(hyp_text, gold.reference_translation())


def evaluate_summary(summary: str, gold: Gold, source_text: str | None) -> dict[str, Any]:
    """Fact recall, digit numbers and dates absent from the source (by value), sentence count."""
    recalled = [fact.id for fact in gold.facts if satisfies(summary, fact.require)]
    invented: list[str] | None = None
    if source_text is not None:
        invented = invented_figures(summary, source_text)
    return {
        "fact_recall": _ratio(len(recalled), len(gold.facts)),
        "facts_recalled": recalled,
        "facts_missed": [fact.id for fact in gold.facts if fact.id not in recalled],
        "invented_numbers": invented,
        "sentences": len(split_sentences(summary)),
    }


def _match_kind(predicted: dict[str, Any], gold: GoldDecision) -> str | None:
    text = " ".join([predicted["actor"], predicted["decision"], *predicted["figures"]])
    by_text = satisfies(text, gold.match)
    by_evidence = any(_overlap(e["text"], g) for e in predicted["evidence"] for g in gold.evidence)
    kinds = [kind for kind, ok in (("match", by_text), ("evidence", by_evidence)) if ok]
    return "+".join(kinds) or None


def _pair(gold: GoldDecision, predicted: dict[str, Any], by: str) -> dict[str, Any]:
    values = set().union(*map(figure_values, predicted["figures"]))
    allowed = set().union(*map(figure_values, gold.figures + gold.accepted_figures))
    found = [f for f in gold.figures if figure_values(f) <= values]
    return {
        "gold": gold.id,
        "predicted": predicted["id"],
        "by": by,
        "key": gold.key,
        "status": {"gold": gold.status, "predicted": predicted["status"]},
        "status_ok": gold.status == predicted["status"],
        "actor": {"gold": gold.actor, "predicted": predicted["actor"]},
        "actor_ok": None if gold.actor_match is None else satisfies(predicted["actor"], gold.actor_match),
        "figures_found": found,
        "figures_missing": [f for f in gold.figures if f not in found],
        "figures_unexpected": [f for f in predicted["figures"] if not figure_values(f) <= allowed],
    }


def evaluate_decisions(predicted: list[dict[str, Any]], gold: Gold, source_text: str | None) -> dict[str, Any]:
    """Match predictions to gold decisions (see ``MATCHING``) and score the pairs."""
    free = list(range(len(predicted)))
    pairs: list[dict[str, Any]] = []
    for gold_decision in gold.decisions:
        for i in free:
            by = _match_kind(predicted[i], gold_decision)
            if by:
                pairs.append(_pair(gold_decision, predicted[i], by))
                free.remove(i)
                break
    paired_gold = {p["gold"] for p in pairs}
    # An unpaired prediction that matches a gold decision repeats one already paired (greedy pairing
    # would have taken it otherwise): a duplicate, reported apart from predictions that match nothing.
    duplicates = [{"predicted": predicted[i]["id"], "gold": g.id} for i in free
                  for g in [next((g for g in gold.decisions if _match_kind(predicted[i], g)), None)] if g]
    repeated = {d["predicted"] for d in duplicates}
    unmatched = [predicted[i]["id"] for i in free if predicted[i]["id"] not in repeated]
    n_pred, n_gold, n_match = len(predicted), len(gold.decisions), len(pairs)
    precision = (n_pred - len(unmatched)) / n_pred if n_pred else float(n_gold == 0)
    recall = n_match / n_gold if n_gold else float(n_pred == 0)
    key_gold = [g.id for g in gold.decisions if g.key]
    actors = [p["actor_ok"] for p in pairs if p["actor_ok"] is not None]
    required = sum(len(p["figures_found"]) + len(p["figures_missing"]) for p in pairs)
    figures = [f for i in range(n_pred) if i not in free for f in predicted[i]["figures"]]
    evidence = [e["text"] for d in predicted for e in d["evidence"]]
    ungrounded = None
    if source_text is not None:
        source = _norm(source_text)
        ungrounded = [t for t in evidence if not _norm(t) or _norm(t) not in source]
    return {
        "matching": MATCHING,
        "predicted": n_pred,
        "gold": n_gold,
        "matched": n_match,
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        "key_recall": _ratio(len(paired_gold & set(key_gold)), len(key_gold)),
        "key_gold": len(key_gold),
        "key_matched": len(paired_gold & set(key_gold)),
        "unmatched": unmatched,
        "duplicates": duplicates,
        "status_accuracy": _ratio(sum(p["status_ok"] for p in pairs), n_match),
        "actor_accuracy": _ratio(sum(actors), len(actors)),
        "figure_accuracy": _ratio(sum(len(p["figures_found"]) for p in pairs), required),
        "figure_precision": _ratio(len(figures) - sum(len(p["figures_unexpected"]) for p in pairs), len(figures)),
        "evidence_grounding": None if ungrounded is None else _ratio(len(evidence) - len(ungrounded), len(evidence)),
        "ungrounded_evidence": ungrounded,
        "missed": [d.id for d in gold.decisions if d.id not in paired_gold],
        "missed_key": [i for i in key_gold if i not in paired_gold],
        "extra": [predicted[i]["id"] for i in free],
        "pairs": pairs,
    }


def evaluate_brief(
    brief: dict[str, Any], gold: Gold, source_text: str | None, translation: str | None = None
) -> dict[str, Any]:
    """Metrics of a brief (a Brief as a dict). ``source_text``: the cleaned French article, for the
    grounding and invented-number checks; ``translation`` overrides ``brief["translation"]``."""
    hypothesis = translation if translation is not None else brief.get("translation")
    return {
        "seconds": (brief.get("timings") or {}).get("total"),
        "translation": translation_scores(hypothesis, gold.reference_translation())
        if hypothesis and gold.translation
        else None,
        "summary": evaluate_summary(brief["summary"], gold, source_text),
        "decisions": evaluate_decisions(brief["decisions"], gold, source_text),
    }


# ---- files and folders ---------------------------------------------------------------------


#: The outputs scored, found in a folder by their names (see `naming`).
SCORED_KINDS = ("brief_json", "translation")
#: A reference translation beside the gold files: named like a translation, never scored.
GOLD_TRANSLATION = ".gold" + OUTPUT_KINDS["translation"]


def _outputs(path: Path) -> list[Path]:
    if path.is_dir():
        found = sorted(p for p in path.iterdir()
                       if output_kind(p.name) in SCORED_KINDS and not p.name.endswith(GOLD_TRANSLATION))
        if not found:
            kinds = " or ".join(f"*{OUTPUT_KINDS[k]}" for k in SCORED_KINDS)
            raise InputError(f"{path} holds no {kinds} output")
        return found
    if path.suffix not in (".json", ".txt"):
        raise InputError(f"{path}: expected a .json brief, a .txt translation or a folder of them")
    return [path]


def _gold_for(output: Path, golds: dict[str, Path]) -> Path | None:
    """The gold named NAME for output NAME or NAME.<variant> (e.g. NAME.qwen.brief.json)."""
    name = input_stem(output.name)
    candidates = [g for g in golds if name == g or name.startswith(g + ".")]
    return golds[max(candidates, key=len)] if candidates else None


def _read_brief(path: Path) -> dict[str, Any]:
    try:
        return Brief.model_validate_json(path.read_bytes()).model_dump(mode="json")
    except OSError as exc:
        raise InputError(f"Cannot read {path}: {exc.strerror or exc}") from exc
    except ValidationError as exc:
        raise InputError(f"{path} is not a brief: {describe_validation(exc, root='file')}") from exc


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"Cannot read {path} as UTF-8 text: {exc}") from exc


def evaluate_path(output: Path, gold: Path) -> list[dict[str, Any]]:
    """Score a brief (.json), a translation (.txt) or a folder of ``*.brief.json`` / ``*.en.txt``
    against a gold file, or against a folder of ``*.gold.json`` matched by name (see ``naming.input_stem``).
    Outputs of a folder without a gold file get a ``skipped`` entry."""
    output, gold = Path(output), Path(gold)
    for path in (output, gold):
        if not path.exists():
            raise InputError(f"No such file or folder: {path}")
    outputs = _outputs(output)
    if gold.is_dir():
        golds = {p.name.removesuffix(".gold.json"): p for p in gold.glob("*.gold.json")}
        if not golds:
            raise InputError(f"{gold} holds no *.gold.json file")
    else:  # one gold file: every output is scored against it
        golds = {input_stem(o.name): gold for o in outputs}
    loaded: dict[Path, tuple[Gold, str]] = {}
    results: list[dict[str, Any]] = []
    for out in outputs:
        gold_path = _gold_for(out, golds)
        entry: dict[str, Any] = {"name": input_stem(out.name), "output": str(out),
                                 "gold": str(gold_path) if gold_path else None}
        if gold_path is None:
            results.append(entry | {"kind": "skipped", "reason": f"no {input_stem(out.name)}.gold.json in {gold}"})
            continue
        if gold_path not in loaded:
            gold_file = load_gold(gold_path)
            loaded[gold_path] = (gold_file, gold_file.source_text())
        gold_file, source_text = loaded[gold_path]
        if out.suffix == ".json":
            results.append(entry | {"kind": "brief"} | evaluate_brief(_read_brief(out), gold_file, source_text))
        else:
            translation = evaluate_translation(_read_text(out), gold_file)
            results.append(entry | {"kind": "translation", "translation": translation})
    if all(r["kind"] == "skipped" for r in results):
        raise InputError(f"no output in {output} has a gold file in {gold}")
    return results


# ---- display -------------------------------------------------------------------------------

COLUMNS = ["output", "key R", "P", "dup", "status", "actor", "figures", "grounded", "facts", "invented",
           "s", "chrF", "BLEU"]


def _fmt(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _counts(result: dict[str, Any]) -> dict[str, float]:
    """The numerators and denominators behind a brief's rates, so rates can be pooled over a folder."""
    d, summary = result["decisions"], result["summary"]
    pairs = d["pairs"]
    actors = [p["actor_ok"] for p in pairs if p["actor_ok"] is not None]
    required = sum(len(p["figures_found"]) + len(p["figures_missing"]) for p in pairs)
    return {
        "key_gold": d["key_gold"], "key_matched": d["key_matched"], "predicted": d["predicted"],
        "unmatched": len(d["unmatched"]), "duplicates": len(d["duplicates"]), "pairs": len(pairs),
        "status_ok": sum(p["status_ok"] for p in pairs), "actors": len(actors), "actor_ok": sum(actors),
        "figures": required, "figures_found": sum(len(p["figures_found"]) for p in pairs),
        "facts": len(summary["facts_recalled"]) + len(summary["facts_missed"]),
        "facts_recalled": len(summary["facts_recalled"]), "invented": len(summary["invented_numbers"] or []),
    }


def totals(results: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The brief metrics pooled over every scored brief (micro-averages), or None without briefs."""
    briefs = [r for r in results if r["kind"] == "brief"]
    if not briefs:
        return None
    counts = [_counts(r) for r in briefs]
    c = {k: sum(n[k] for n in counts) for k in counts[0]}
    seconds = [r["seconds"] for r in briefs if r.get("seconds") is not None]
    grounding = [r["decisions"]["evidence_grounding"] for r in briefs if r["decisions"]["evidence_grounding"] is not None]
    return {
        "briefs": len(briefs),
        "key_recall": _ratio(c["key_matched"], c["key_gold"]),
        "precision": _ratio(c["predicted"] - c["unmatched"], c["predicted"]),
        "duplicates": c["duplicates"],
        "status_accuracy": _ratio(c["status_ok"], c["pairs"]),
        "actor_accuracy": _ratio(c["actor_ok"], c["actors"]),
        "figure_accuracy": _ratio(c["figures_found"], c["figures"]),
        "evidence_grounding": min(grounding) if grounding else None,  # the worst brief: 1.0 means all grounded
        "fact_recall": _ratio(c["facts_recalled"], c["facts"]),
        "invented_numbers": c["invented"],
        "seconds_per_brief": sum(seconds) / len(seconds) if seconds else None,
    }


def table_rows(results: list[dict[str, Any]]) -> list[list[str]]:
    """One row per output (``COLUMNS``), then a "total" row pooling the briefs (see ``totals``)."""
    rows = []
    for r in results:
        row = [Path(r["output"]).name] + ["-"] * (len(COLUMNS) - 1)
        if r["kind"] == "skipped":
            row[1] = "skipped: " + r["reason"]
        if r.get("decisions"):
            d, summary = r["decisions"], r["summary"]
            row[1:10] = [
                _fmt(d["key_recall"]), _fmt(d["precision"]), str(len(d["duplicates"])), _fmt(d["status_accuracy"]),
                _fmt(d["actor_accuracy"]), _fmt(d["figure_accuracy"]), _fmt(d["evidence_grounding"]),
                _fmt(summary["fact_recall"]),
                "-" if summary["invented_numbers"] is None else str(len(summary["invented_numbers"])),
            ]
            row[10] = _fmt(r.get("seconds"), 0)
        if r.get("translation"):
            row[11:13] = [_fmt(r["translation"]["chrf"], 1), _fmt(r["translation"]["bleu"], 1)]
        rows.append(row)
    t = totals(results)
    if t and t["briefs"] > 1:
        rows.append(["total"] + [
            _fmt(t["key_recall"]), _fmt(t["precision"]), str(t["duplicates"]), _fmt(t["status_accuracy"]),
            _fmt(t["actor_accuracy"]), _fmt(t["figure_accuracy"]), _fmt(t["evidence_grounding"]),
            _fmt(t["fact_recall"]), str(t["invented_numbers"]), _fmt(t["seconds_per_brief"], 0), "-", "-"])
    return rows


def signatures(results: list[dict[str, Any]]) -> list[str]:
    """The sacrebleu signatures of the translation scores shown (one line per metric)."""
    lines: list[str] = []
    for r in results:
        for name, label in (("chrf", "chrF"), ("bleu", "BLEU")):
            if r.get("translation"):
                line = f"{label} signature: {r['translation'][name + '_signature']}"
                if line not in lines:
                    lines.append(line)
    return lines
