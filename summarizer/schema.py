"""The brief: a fixed, versioned JSON schema defined once here.

`summarizer/schemas/brief-v1.json` is generated from these models (`summarize schema`); a test
fails when the two disagree, so the published schema can only change together with the code.
The model never fills this schema directly: it fills `ModelDecisions` (field names it cannot
confuse, indices instead of quotes), and `summarizer.brief` maps and grounds that into a `Brief`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

#: 1.1 added `grounding.ignored_sentences` and `grounding.untranslated`, 1.2 `grounding.unknown_names`;
#: an older brief still reads (the fields default to empty).
SCHEMA_VERSION = "1.2"
SCHEMA_FILE = Path(__file__).parent / "schemas" / "brief-v1.json"

Status = Literal["adopted", "deferred", "proposed", "rejected"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Evidence(_Strict):
    sentence: int = Field(ge=0, description="0-based index of the sentence in the cleaned source.")
    text: str = Field(description="The source sentence, verbatim (French).")


class Decision(_Strict):
    id: str = Field(pattern=r"^D[1-9][0-9]*$", description="D1, D2, … in order of appearance.")
    actor: str = Field(description="Who decided or proposed, in English.")
    decision: str = Field(description="One English sentence: what was decided.")
    status: Status = Field(description="adopted: decided; deferred: postponed or not yet decided; "
                                       "proposed: put forward, not adopted; rejected: turned down.")
    date: str | None = Field(description="When, as stated in the source (e.g. 'Thursday', 'February 2020').")
    location: str | None = Field(description="Where, if stated.")
    figures: list[str] = Field(description="Numbers that belong to the decision, in English form (3,500).")
    evidence: list[Evidence] = Field(min_length=1, description="Source sentences that prove the decision.")
    flags: list[str] = Field(default_factory=list,
                             description="Grounding problems found in code (e.g. a figure not in the source).")


class Source(_Strict):
    file: str
    sha256: str
    language: str
    title_fr: str | None
    title_en: str | None
    published: str | None = Field(description="Publication date if the document states one.")


class ModelInfo(_Strict):
    id: str
    runtime: str
    prompt_version: str


class Grounding(_Strict):
    """What the code's grounding checks did, so a reader knows what was dropped."""

    dropped: list[str] = Field(default_factory=list, description="Decisions removed, with the reason.")
    flagged: int = Field(0, description="Decisions kept with flags.")
    summary_unsupported_numbers: list[str] = Field(
        default_factory=list, description="Numbers in the summary whose value is not in the source, and dates whose day "
                                         "and month it does not give together.")
    untranslated: list[str] = Field(
        default_factory=list, description="French words left in the English summary after one retry.")
    unknown_names: list[str] = Field(
        default_factory=list,
        description="Names in the English summary that the source does not have (likely invented), after one retry.")
    ignored_sentences: list[str] = Field(
        default_factory=list,
        description="Source sentences addressed to a language model (instructions hidden in the article), "
                    "kept away from the model and never used as evidence.")


class Brief(_Strict):
    schema_version: Literal["1.0", "1.1", "1.2"] = SCHEMA_VERSION
    source: Source
    summary: str = Field(description="English summary, 3–5 sentences.")
    decisions: list[Decision]
    grounding: Grounding
    model: ModelInfo
    timings: dict[str, float] = Field(description="Seconds per stage.")
    usage: dict[str, int] = Field(default_factory=dict, description="Prompt and generated token counts.")
    translation: str | None = Field(None, description="English translation, with --with-translation.")


# ---- What the model is asked to produce (constrained decoding), before grounding ----

MAX_DECISIONS = 6
MAX_EVIDENCE = 3
MAX_FIGURES = 5


class ModelDecision(_Strict):
    # Field order is generation order: pointing at the sentences first keeps the rest anchored.
    evidence_sentence_numbers: list[int] = Field(min_length=1, max_length=MAX_EVIDENCE)
    who_decided_in_english: str
    what_was_decided_in_english: str
    status: Status
    when: str | None
    where: str | None
    figures: list[str] = Field(max_length=MAX_FIGURES)


class ModelDecisions(_Strict):
    title_in_english: str
    decisions: list[ModelDecision] = Field(max_length=MAX_DECISIONS)


def brief_json_schema() -> dict:
    schema = Brief.model_json_schema()
    schema["$id"] = "https://summarizer.local/schemas/brief-v1.json"
    schema["title"] = f"summarizer brief v{SCHEMA_VERSION}"
    return schema


def brief_json_schema_text() -> str:
    return json.dumps(brief_json_schema(), indent=2, ensure_ascii=False) + "\n"
