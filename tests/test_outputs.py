"""What lands on disk: write_atomic's file modes, paths kept inside a folder, the brief's Markdown."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from summarizer.brief import brief_markdown
from summarizer.outputs import contained, write_atomic
from summarizer.schema import Brief


@pytest.fixture
def umask() -> Iterator[None]:
    """Run under umask 022, whatever the test runner had."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_write_atomic_respects_the_umask(tmp_path: Path, umask: None) -> None:
    write_atomic(tmp_path / "a.txt", "x")
    assert mode(tmp_path / "a.txt") == 0o644
    os.umask(0o077)
    write_atomic(tmp_path / "private.txt", "x")
    assert mode(tmp_path / "private.txt") == 0o600


def test_write_atomic_replaces_a_private_file_with_a_normal_one(tmp_path: Path, umask: None) -> None:
    path = tmp_path / "a.txt"
    path.write_text("old")
    path.chmod(0o600)  # what earlier versions left
    write_atomic(path, "new")
    assert path.read_text() == "new" and mode(path) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]  # no temp file left


def test_contained_keeps_paths_inside_the_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "sub").mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    (out / "link").symlink_to(tmp_path / "elsewhere")
    assert contained(out, "sub/a.txt") == out.resolve() / "sub/a.txt"
    for bad in ["../x", "sub/../../x", "/etc/passwd", "", ".", "./a", "a//b", "sub/", "a\x00b", "link/x", 3, None]:
        assert contained(out, bad) is None, bad


HOSTILE = '<script>alert(1)</script> & <img src=x onerror="alert(2)">'


def test_brief_markdown_escapes_html_from_the_article() -> None:
    evidence = [{"sentence": 0, "text": f"Le maire {HOSTILE} a voté."}]
    brief = Brief.model_validate({
        "source": {"file": "a <b>.txt", "sha256": "0" * 64, "language": "fr", "title_fr": f"Titre {HOSTILE}",
                   "title_en": f"Title {HOSTILE}", "published": None},
        "summary": f"Summary {HOSTILE}",
        "decisions": [{"id": "D1", "actor": f"Mayor {HOSTILE}", "decision": f"Votes {HOSTILE}", "status": "adopted",
                       "date": None, "location": None, "figures": ["<i>3</i>"], "evidence": evidence,
                       "flags": [f"flag {HOSTILE}"]}],
        "grounding": {"dropped": [f"dropped {HOSTILE}"]},
        "model": {"id": "m", "runtime": "fake", "prompt_version": "v1"},
        "timings": {},
    })
    md = brief_markdown(brief)
    assert "<" not in md, md  # no tag can open: every "<" is written &lt;
    assert md.count("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;img") == 8
    assert "| D1 | adopted | Mayor &lt;script&gt;" in md and "> [0] Le maire &lt;script&gt;" in md
