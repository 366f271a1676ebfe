"""Evaluation against the hand-written gold files, on hand-made outputs (no model)."""

from __future__ import annotations

import copy
import io
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from typer.testing import CliRunner

from summarizer.documents import read_document
from summarizer.errors import InputError
from summarizer.evaluate import (
    MATCHING,
    Gold,
    evaluate_brief,
    evaluate_path,
    evaluate_translation,
    table_rows,
    totals,
    load_gold,
    satisfies,
)
from summarizer.numbers import missing_numbers
from summarizer.schema import Brief

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED = SEEDS / "otan-irak-2021.fr.txt"
GOLD = SEEDS / "otan-irak-2021.gold.json"


@pytest.fixture(scope="module")
def gold() -> Gold:
    return load_gold(GOLD)


@pytest.fixture(scope="module")
def source() -> str:
    return read_document(SEED).text


def make_brief(gold: Gold, **changes: Any) -> dict[str, Any]:
    """A valid Brief dict that restates the gold file exactly; ``changes`` override fields."""
    decisions = [
        {
            "id": d.id,
            "actor": d.actor,
            "decision": d.decision,
            "status": d.status,
            "date": d.date,
            "location": d.location,
            "figures": list(d.figures),
            "evidence": [{"sentence": 0, "text": text} for text in d.evidence],
            "flags": [],
        }
        for d in gold.decisions
    ]
    brief = {
        "schema_version": "1.0",
        "source": {"file": SEED.name, "sha256": "0" * 64, "language": "fr",
                   "title_fr": None, "title_en": None, "published": None},
        "summary": gold.summary,
        "decisions": decisions,
        "grounding": {"dropped": [], "flagged": 0},
        "model": {"id": "hand-made", "runtime": "none", "prompt_version": "0"},
        "timings": {},
        "translation": None,
    } | changes
    Brief.model_validate(brief)
    return brief


def decision(did: str, actor: str, text: str, status: str, figures: list[str], evidence: list[str]) -> dict[str, Any]:
    return {"id": did, "actor": actor, "decision": text, "status": status, "date": None, "location": None,
            "figures": figures, "evidence": [{"sentence": 0, "text": e} for e in evidence], "flags": []}


# ---- the gold files ------------------------------------------------------------------------


def test_gold_paths_resolve_next_to_the_gold_file(gold: Gold) -> None:
    assert gold.source == SEED
    assert gold.translation == SEEDS / "otan-irak-2021.gold.en.txt"
    assert [d.id for d in gold.decisions] == ["D1", "D2", "D3"]
    assert 5 <= len(gold.facts) <= 7


def test_gold_evidence_is_verbatim_in_the_seed(gold: Gold) -> None:
    seed = SEED.read_text(encoding="utf-8")
    for d in gold.decisions:
        for sentence in d.evidence:
            assert sentence in seed, (d.id, sentence)


def test_gold_translation_aligns_line_by_line_with_the_cleaned_seed(gold: Gold, source: str) -> None:
    reference = gold.reference_translation().rstrip("\n").split("\n")
    lines = source.split("\n")
    assert "Publicité" not in source and "Lire également" not in source
    assert len(reference) == len(lines)
    assert [not line.strip() for line in reference] == [not line.strip() for line in lines]
    assert len([r for r in reference if r.strip()]) == len([s for s in lines if s.strip()])
    for fr, en in zip(lines, reference):
        assert missing_numbers(fr, en) == [], (fr, en)


def test_gold_summary_recalls_every_fact_and_invents_no_number(gold: Gold, source: str) -> None:
    result = evaluate_brief(make_brief(gold), gold, source)["summary"]
    assert result["fact_recall"] == 1.0
    assert result["invented_numbers"] == []
    assert 3 <= result["sentences"] <= 5


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not a readable JSON"),
        ('{"source": "otan-irak-2021.fr.txt", "summary": "x", "facts": []}', "decisions"),
        ('{"source": "missing.fr.txt", "summary": "x", "facts": [], "decisions": []}', "does not exist"),
        ('["a list"]', "not a valid gold file"),
    ],
)
def test_bad_gold_file_is_an_input_error(tmp_path: Path, content: str, message: str) -> None:
    shutil.copy(SEED, tmp_path / SEED.name)
    path = tmp_path / "bad.gold.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_gold(path)
    with pytest.raises(InputError, match="No such gold file"):
        load_gold(tmp_path / "absent.gold.json")


# ---- text rule -----------------------------------------------------------------------------


def test_text_rule_stems_numbers_and_digit_ends() -> None:
    assert satisfies("NATO expands its TRAINING mission", [["train"], ["expand"]])
    assert satisfies("from 500 to 4000 troops", [["4,000"]])
    assert not satisfies("4,000,000 troops", [["4,000"]])
    assert not satisfies("a restrained mission", [["train"]])
    assert satisfies("by May 1", [["May 1"]]) and not satisfies("by May 15", [["May 1"]])


# ---- briefs --------------------------------------------------------------------------------


def test_perfect_brief_scores_one(gold: Gold, source: str) -> None:
    result = evaluate_brief(make_brief(gold), gold, source)
    decisions = result["decisions"]
    assert (decisions["precision"], decisions["recall"], decisions["f1"]) == (1.0, 1.0, 1.0)
    assert decisions["status_accuracy"] == 1.0
    assert decisions["figure_accuracy"] == 1.0
    assert decisions["evidence_grounding"] == 1.0
    assert decisions["missed"] == decisions["extra"] == []
    assert decisions["matching"] == MATCHING
    assert result["translation"] is None


def test_flawed_brief(gold: Gold, source: str) -> None:
    d1, d2, _ = make_brief(gold)["decisions"]
    d1["figures"] = ["4000", "500"]
    d2["status"] = "adopted"
    extra = decision("D3", "The Taliban", "The Taliban agreed to a ceasefire.", "adopted", [],
                     ["Les Talibans ont accepté un cessez-le-feu avec les forces afghanes."])
    result = evaluate_brief(make_brief(gold, decisions=[d1, d2, extra]), gold, source)["decisions"]
    assert result["matched"] == 2
    assert result["precision"] == pytest.approx(2 / 3)
    assert result["recall"] == pytest.approx(2 / 3)
    assert result["f1"] == pytest.approx(2 / 3)
    assert result["missed"] == ["D3"] and result["extra"] == ["D3"]
    assert result["status_accuracy"] == 0.5
    assert result["figure_accuracy"] == 1.0
    assert result["pairs"][0]["figures_found"] == ["500", "4,000"]
    evidence = len(d1["evidence"]) + len(d2["evidence"]) + 1
    assert result["evidence_grounding"] == pytest.approx((evidence - 1) / evidence)
    assert result["ungrounded_evidence"] == [extra["evidence"][0]["text"]]


def test_figures_missing_and_unexpected(gold: Gold, source: str) -> None:
    d1 = decision("D1", "NATO", "NATO will send 3,500 more troops to its Iraq training mission.", "adopted",
                  ["3,500", "10,000"],
                  ["La taille de la mission de l'Otan en Irak passera graduellement de 500 à 4.000 militaires."])
    pair = evaluate_brief(make_brief(gold, decisions=[d1]), gold, source)["decisions"]["pairs"][0]
    assert pair["by"] == "match+evidence"
    assert pair["figures_missing"] == ["500", "4,000"]
    assert pair["figures_unexpected"] == ["10,000"]  # 3,500 is an accepted figure


def test_match_by_evidence_alone_and_short_evidence_matches_nothing(gold: Gold, source: str) -> None:
    vague = decision("D1", "The alliance", "The alliance made a choice.", "deferred", [],
                     ["L'alliance a également décidé de différer son retrait d’Afghanistan."])
    attribution = decision("D2", "Jens Stoltenberg", "Jens Stoltenberg spoke.", "adopted", [], ["Jens Stoltenberg"])
    result = evaluate_brief(make_brief(gold, decisions=[vague, attribution]), gold, source)["decisions"]
    assert [(p["gold"], p["predicted"], p["by"]) for p in result["pairs"]] == [("D2", "D1", "evidence")]
    assert result["extra"] == ["D2"]
    assert result["evidence_grounding"] == 1.0


def test_summary_with_invented_number_and_missing_fact(gold: Gold, source: str) -> None:
    summary = (
        "NATO defence ministers, meeting by videoconference, decided to expand the alliance's training "
        "mission in Iraq from 500 to 4,000 troops. The mission, created in 2016, trains Iraqi forces. "
        "NATO deferred its decision on withdrawing from Afghanistan despite the May 1 deadline agreed "
        "with the Taliban."
    )
    result = evaluate_brief(make_brief(gold, summary=summary), gold, source)["summary"]
    assert result["facts_missed"] == ["F5"]
    assert result["fact_recall"] == pytest.approx(5 / 6)
    assert result["invented_numbers"] == ["2016"]
    assert result["sentences"] == 3


def test_without_source_text_grounding_and_invented_numbers_are_unknown(gold: Gold) -> None:
    result = evaluate_brief(make_brief(gold), gold, None)
    assert result["summary"]["invented_numbers"] is None
    assert result["decisions"]["evidence_grounding"] is None


# ---- translation ---------------------------------------------------------------------------


def test_gold_translation_against_itself(gold: Gold) -> None:
    result = evaluate_translation(gold.reference_translation(), gold)
    assert result["chrf"] == pytest.approx(100.0)
    assert result["bleu"] == pytest.approx(100.0)
    assert result["segmentation"] == "lines"
    assert result["chrf_signature"].startswith("nrefs:1|") and "nc:6" in result["chrf_signature"]
    assert "tok:13a" in result["bleu_signature"]


def test_unaligned_translation_is_scored_as_one_segment(gold: Gold) -> None:
    lines = gold.reference_translation().splitlines()
    result = evaluate_translation("\n".join(lines[2:]), gold)
    assert result["segmentation"] == "document"
    assert result["hypothesis_lines"] == result["reference_lines"] - 1
    assert 50 < result["chrf"] < 100


def test_brief_translation_is_scored(gold: Gold, source: str) -> None:
    brief = make_brief(gold, translation=gold.reference_translation())
    assert evaluate_brief(brief, gold, source)["translation"]["chrf"] == pytest.approx(100.0)


# ---- files, folders, CLI -------------------------------------------------------------------


@pytest.fixture()
def folders(tmp_path: Path, gold: Gold) -> tuple[Path, Path]:
    """A gold folder (copy of the seed files) and an output folder with a brief, a translation
    and a brief for an article without gold."""
    gold_dir, out_dir = tmp_path / "gold", tmp_path / "out"
    gold_dir.mkdir()
    out_dir.mkdir()
    for path in SEEDS.glob("otan-irak-2021.*"):
        shutil.copy(path, gold_dir / path.name)
    flawed = make_brief(gold)
    flawed["decisions"] = copy.deepcopy(flawed["decisions"][:2])
    (out_dir / "otan-irak-2021.brief.json").write_text(json.dumps(flawed), encoding="utf-8")
    (out_dir / "otan-irak-2021.en.txt").write_text(gold.reference_translation(), encoding="utf-8")
    (out_dir / "other-article.brief.json").write_text(json.dumps(make_brief(gold)), encoding="utf-8")
    return out_dir, gold_dir


def test_folder_evaluation(folders: tuple[Path, Path]) -> None:
    out_dir, gold_dir = folders
    results = {Path(r["output"]).name: r for r in evaluate_path(out_dir, gold_dir)}
    assert results["otan-irak-2021.brief.json"]["kind"] == "brief"
    assert results["otan-irak-2021.brief.json"]["decisions"]["recall"] == pytest.approx(2 / 3)
    assert results["otan-irak-2021.en.txt"]["translation"]["chrf"] == pytest.approx(100.0)
    assert results["other-article.brief.json"]["kind"] == "skipped"
    with pytest.raises(InputError, match="holds no"):  # a gold translation is not an output
        evaluate_path(gold_dir, gold_dir / GOLD.name)
    rows = {row[0]: row for row in table_rows(list(results.values()))}
    assert set(rows) == set(results)  # one brief: no total row
    assert rows["other-article.brief.json"][1].startswith("skipped")
    assert rows["otan-irak-2021.en.txt"][11] == "100.0"


def test_single_files_and_bad_inputs(folders: tuple[Path, Path], tmp_path: Path) -> None:
    out_dir, gold_dir = folders
    [result] = evaluate_path(out_dir / "other-article.brief.json", gold_dir / GOLD.name)
    assert result["decisions"]["f1"] == 1.0
    with pytest.raises(InputError, match="has a gold file"):
        evaluate_path(out_dir / "other-article.brief.json", gold_dir)
    with pytest.raises(InputError, match="No such file or folder"):
        evaluate_path(tmp_path / "absent", gold_dir)
    (tmp_path / "broken.brief.json").write_text('{"summary": "x"}', encoding="utf-8")
    with pytest.raises(InputError, match="is not a brief"):
        evaluate_path(tmp_path / "broken.brief.json", gold_dir / GOLD.name)


def test_cli_eval_table_and_json(folders: tuple[Path, Path]) -> None:
    from summarizer.cli import app

    out_dir, gold_dir = folders
    runner = CliRunner()
    table = runner.invoke(app, ["eval", str(out_dir), str(gold_dir)])
    assert table.exit_code == 0, table.output
    assert "otan-irak-2021.brief.json" in table.output and "chrF signature: nrefs:1" in table.output
    as_json = runner.invoke(app, ["eval", str(out_dir / "otan-irak-2021.en.txt"), str(gold_dir / GOLD.name), "--json"])
    assert as_json.exit_code == 0, as_json.output
    assert json.loads(as_json.output)["results"][0]["translation"]["segmentation"] == "lines"


def test_cli_eval_missing_path_is_a_message_and_exit_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from summarizer.cli import run

    monkeypatch.setattr(sys, "argv", ["summarize", "eval", str(tmp_path / "absent.brief.json"), str(GOLD)])
    with pytest.raises(SystemExit) as exit_info:
        run()
    assert exit_info.value.code == InputError.exit_code
    captured = capsys.readouterr()
    assert "No such file or folder" in captured.err and "absent.brief.json" in captured.err
    assert "Traceback" not in captured.err


def test_key_recall_duplicates_actor_accuracy_and_totals(gold: Gold, source: str) -> None:
    d1, d2, d3 = make_brief(gold)["decisions"]
    copy = dict(d1, id="D4")  # the Iraq decision listed twice (title and body)
    d2["actor"] = "Jens Stoltenberg"  # the spokesman, not the body that decided
    brief = make_brief(gold, decisions=[d1, d2, copy])
    key_gold = gold.model_copy(update={"decisions": [
        d.model_copy(update={"key": d.id != "D3", "actor_match": [["NATO", "alliance"]] if d.id != "D3" else None})
        for d in gold.decisions]})
    result = evaluate_brief(brief, key_gold, source)["decisions"]
    assert result["key_recall"] == 1.0 and result["recall"] == pytest.approx(2 / 3)  # D3 is incidental
    assert result["duplicates"] == [{"predicted": "D4", "gold": "D1"}] and result["unmatched"] == []
    assert result["precision"] == 1.0  # a duplicate is reported apart, not as a non-decision
    assert result["actor_accuracy"] == 0.5
    one = evaluate_brief(brief, key_gold, source) | {"kind": "brief", "output": "a.brief.json", "seconds": 10.0}
    pooled = totals([one, one | {"output": "b.brief.json", "seconds": 20.0}])
    assert pooled["duplicates"] == 2 and pooled["actor_accuracy"] == 0.5 and pooled["seconds_per_brief"] == 15.0
    assert table_rows([one, one])[-1][:4] == ["total", "1.00", "1.00", "2"]
