"""Output names: one rule, written once (summarizer/naming.py), read the same way everywhere."""

from __future__ import annotations

import ast
import re
from pathlib import Path, PurePosixPath

import pytest

import summarizer
from summarizer.naming import OUTPUT_KINDS, OUTPUT_SUFFIXES, input_stem, is_output_name, output_kind, output_name

PACKAGE = Path(summarizer.__file__).parent


@pytest.mark.parametrize("input_name", ["a.txt", "a.fr.txt", "a.md", "sub/a.html", "a.TXT", "a"])
@pytest.mark.parametrize("kind", list(OUTPUT_KINDS))
def test_every_kind_round_trips(input_name: str, kind: str) -> None:
    name = output_name(input_name, kind)
    assert name.startswith(input_name)  # the whole input name: injective
    assert output_kind(name) == kind and is_output_name(name)
    assert input_stem(PurePosixPath(name).name) == "a"


@pytest.mark.parametrize(
    "name", ["a.brief.json", "a.fr.en.txt", "a.json", "a.fr.txt.brief.json", "a.md.en.txt", "a.htm.brief.md"]
)
def test_names_a_person_gives_read_back_to_the_stem(name: str) -> None:
    assert input_stem(name) == "a"


def test_a_variant_stays_in_the_stem() -> None:
    """evaluate pairs `NAME.qwen.brief.json` with gold NAME by prefix, so the variant is kept."""
    assert input_stem("a.qwen.brief.json") == "a.qwen"


@pytest.mark.parametrize("name", ["a.txt", "a.md", "a.html", "brief.json", "en.txt", "a.en.txt.md"])
def test_inputs_are_not_output_names(name: str) -> None:
    assert output_kind(name) is None and not is_output_name(name)


def _string_literals(tree: ast.AST) -> list[str]:
    """Every str constant of a module but its docstrings (which may show example names)."""
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)
    }
    return [n.value for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings]


def test_no_module_but_naming_spells_an_output_suffix() -> None:
    """A second copy of the rule (batch, evaluate, report, cli each had one) must not come back."""
    suffix = re.compile("|".join(re.escape(s) + r"(?![\w-])" for s in OUTPUT_SUFFIXES))
    found = [
        f"{path.relative_to(PACKAGE)}: {text!r}"
        for path in sorted(PACKAGE.rglob("*.py")) if path.name != "naming.py"
        for text in _string_literals(ast.parse(path.read_text(encoding="utf-8")))
        if suffix.search(text)
    ]
    assert found == []
