"""Every gold file of the suite (`tests/gold`, `seeds`) is consistent with its article (no model).

A gold file that contradicts itself scores every brief wrong in the same way; these checks catch it
when the file is written, not when a benchmark looks odd."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarizer.evaluate import evaluate_summary, load_gold, satisfies

ROOT = Path(__file__).resolve().parents[1]
SUITE = sorted([*(ROOT / "tests" / "gold").glob("*/*.gold.json"), *(ROOT / "seeds").glob("*.gold.json")])


def test_the_suite_has_both_halves() -> None:
    halves = {path.parent.name for path in SUITE}
    assert {"dev", "heldout"} <= halves and len(SUITE) >= 13


@pytest.mark.parametrize("path", SUITE, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_gold_file_agrees_with_its_article(path: Path) -> None:
    gold = load_gold(path)
    source = " ".join(gold.source_text().split())
    for d in gold.decisions:
        for sentence in d.evidence:
            assert " ".join(sentence.split()) in source, (d.id, sentence)
        # The gold restated as a prediction matches itself and names its actor.
        restated = " ".join([d.actor, d.decision, *d.figures])
        assert satisfies(restated, d.match), d.id
        assert d.actor_match is None or satisfies(d.actor, d.actor_match), d.id
    assert 1 <= sum(d.key for d in gold.decisions) <= 3
    summary = evaluate_summary(gold.summary, gold, gold.source_text())
    assert summary["facts_missed"] == [] and summary["invented_numbers"] == []
    assert 3 <= summary["sentences"] <= 5
