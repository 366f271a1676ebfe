"""A batch's report a person can open: OUT_DIR/index.html and one NAME.report.html per article.

Built only from the manifest (latest entry per input) and the outputs, so it can be rebuilt at any
time. Pages are self-contained (inline CSS, no scripts, no external resources) and every piece
of text is HTML-escaped. The French column is the cleaned source, re-read from IN_DIR when it
still has the bytes the manifest recorded; each decision's evidence sentences are wrapped in
<mark>, which is how a reader checks a decision against what the article says.

The manifest is a text file anyone may edit, so nothing in it is trusted: an entry of the wrong
shape is skipped with a warning, paths are used only when they stay inside OUT_DIR (IN_DIR for
the source), and outputs that do not read back as what batch writes are left out.
"""

from __future__ import annotations

import hashlib
import logging
from html import escape
from pathlib import Path, PurePosixPath
from typing import Any, Literal
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, ValidationError

from .batch import INDEX, read_manifest
from .documents import parse_document
from .errors import SummarizerError, describe_validation
from .naming import output_name
from .outputs import contained, write_atomic
from .schema import Brief

log = logging.getLogger(__name__)
from .segment import Structure

CSS = """
body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:78rem;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%;margin:1rem 0}
th,td{border:1px solid #ccc;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}
.ok{color:#17622a}.skipped{color:#8a6100}.failed{color:#a11}
.side td{width:50%}.side p{margin:.2rem 0}
mark{background:#ffe066}
.note{color:#666;font-size:.9em}
"""


def _page(title: str, body: str) -> str:
    return (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width,initial-scale=1">'
            f"<title>{escape(title)}</title><style>{CSS}</style></head>\n<body>\n{body}\n</body></html>\n")


class _Entry(BaseModel):
    """The manifest fields the report shows, type-checked (a hand-edited line may hold anything)."""

    model_config = ConfigDict(strict=True, extra="ignore")
    path: str
    status: Literal["ok", "skipped", "failed"]
    sha256: str | None = None
    title: str | None = None
    decisions: int | None = None
    reason: str | None = None
    error: str | None = None
    seconds: float = 0.0
    model: str = ""
    prompt_versions: dict[str, str] = {}
    outputs: dict[str, str] = {}


def _entry(raw: dict[str, Any], out_dir: Path) -> _Entry | None:
    """`raw` checked: None, with a warning, when it is of the wrong shape or names a path that
    leads outside OUT_DIR."""
    try:
        entry = _Entry.model_validate(raw)
    except ValidationError as exc:
        log.warning("manifest entry %r skipped: %s", raw.get("path"), describe_validation(exc, limit=1, root="entry"))
        return None
    bad = [p for p in [output_name(entry.path, "report"), *entry.outputs.values()] if contained(out_dir, p) is None]
    if bad:
        log.warning("manifest entry %r skipped: %r is not a path inside OUT_DIR", entry.path, bad[0])
        return None
    return entry


def _read(out_dir: Path, rel: str | None) -> str | None:
    path = contained(out_dir, rel)
    try:
        return path.read_text(encoding="utf-8") if path else None
    except (OSError, UnicodeDecodeError):
        return None


def _brief(out_dir: Path, rel: str | None) -> dict[str, Any] | None:
    """The brief as batch wrote it, or None when it is missing or is not a brief."""
    raw = _read(out_dir, rel)
    try:
        return Brief.model_validate_json(raw).model_dump(mode="json") if raw else None
    except ValidationError:
        log.warning("%s is not a brief: left out of the report", rel)
        return None


def _source(entry: _Entry, in_dir: Path | None) -> Structure | None:
    """The cleaned French text, read as the brief numbered it, if the input is still in IN_DIR with
    the bytes that were processed."""
    path = contained(in_dir, entry.path) if in_dir else None
    try:
        data = path.read_bytes() if path else None
        if data is None or hashlib.sha256(data).hexdigest() != entry.sha256:
            return None
        return parse_document(data, PurePosixPath(entry.path).name, path=path).structure
    except (OSError, SummarizerError):
        return None


def _marked_french(source: Structure, evidence: dict[int, list[str]]) -> list[str]:
    """HTML of each block of `source`, lines kept, evidence sentences wrapped in <mark>."""
    blocks: list[list[str]] = []
    for block, n, sentences in source.lines():
        line = block.lines[n]
        out, cursor = [], 0
        for s in sentences:
            start = line.find(s.text, cursor)
            if s.index not in evidence or start < 0:
                continue
            end = start + len(s.text)
            ids = ", ".join(evidence[s.index])
            out += [escape(line[cursor:start]),
                    f'<mark id="s{s.index}" title="evidence of {escape(ids)}">{escape(s.text)}</mark>']
            cursor = end
        out.append(escape(line[cursor:]))
        if n == 0:
            blocks.append([])
        blocks[-1].append("".join(out))
    return ["<br>".join(lines) for lines in blocks]


def _side_by_side(french: list[str] | None, english: str | None, evidence: dict[int, list[str]],
                  brief: dict[str, Any] | None) -> str:
    if french is None:
        note = '<p class="note">The input is gone or has changed since it was processed; its evidence sentences:</p>'
        quotes = [f'<p><mark id="s{e["sentence"]}">[{e["sentence"]}] {escape(e["text"])}</mark></p>'
                  for d in (brief or {}).get("decisions", []) for e in d["evidence"]]
        french_cells = [note + "".join(quotes)]
    else:
        french_cells = [f"<p>{b}</p>" for b in french]
    if english is None:
        rows = [f'<tr><td lang="fr">{c}</td></tr>' for c in french_cells]
        head = "<tr><th>French (source)</th></tr>"
    else:
        en_blocks = [f"<p>{'<br>'.join(escape(ln) for ln in b.split(chr(10)))}</p>"
                     for b in english.strip().split("\n\n")]
        if len(en_blocks) == len(french_cells):
            pairs = zip(french_cells, en_blocks)
        else:  # not aligned block for block: one row each side
            pairs = [("".join(french_cells), "".join(en_blocks))]
        rows = [f'<tr><td lang="fr">{fr}</td><td lang="en">{en}</td></tr>' for fr, en in pairs]
        head = "<tr><th>French (source)</th><th>English (translation)</th></tr>"
    return f'<table class="side"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'


def _decisions_table(brief: dict[str, Any]) -> str:
    if not brief["decisions"]:
        return "<p>No decisions found.</p>"
    rows = []
    for d in brief["decisions"]:
        links = ", ".join(f'<a href="#s{e["sentence"]}">{e["sentence"]}</a>' for e in d["evidence"])
        flags = "".join(f"<br><span class=note>⚠ {escape(f)}</span>" for f in d.get("flags", []))
        cells = [escape(d["id"]), escape(d["status"]), escape(d["actor"]), escape(d["decision"]) + flags,
                 escape(d.get("date") or ""), escape(d.get("location") or ""), escape(", ".join(d["figures"])), links]
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    columns = ("id", "status", "actor", "decision", "date", "where", "figures", "evidence")
    head = "".join(f"<th>{h}</th>" for h in columns)
    return f'<table class="decisions"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def _detail(out_dir: Path, in_dir: Path | None, entry: _Entry) -> str:
    brief = _brief(out_dir, entry.outputs.get("brief_json"))
    english = _read(out_dir, entry.outputs.get("translation"))
    evidence: dict[int, list[str]] = {}
    for d in (brief or {}).get("decisions", []):
        for e in d["evidence"]:
            evidence.setdefault(e["sentence"], []).append(d["id"])
    source = _source(entry, in_dir)
    french = _marked_french(source, evidence) if source is not None else None
    title = entry.title or entry.path
    back = "../" * (len(PurePosixPath(entry.path).parts) - 1) + INDEX
    versions = ", ".join(f"{k} {v}" for k, v in entry.prompt_versions.items())
    about = f"{entry.path} · {entry.model} · {versions}"
    parts = [f'<p><a href="{quote(back)}">← all articles</a></p>', f"<h1>{escape(title)}</h1>",
             f'<p class="note">{escape(about)}</p>']
    if brief:
        src = brief["source"]
        if src.get("title_fr"):
            parts.append(f'<p lang="fr"><i>{escape(src["title_fr"])}</i></p>')
        parts += ["<h2>Summary</h2>", f'<p class="summary">{escape(brief["summary"])}</p>',
                  "<h2>Decisions</h2>", _decisions_table(brief)]
        dropped = brief["grounding"].get("dropped", [])
        if dropped:
            parts.append("<ul class=note>" + "".join(f"<li>dropped: {escape(x)}</li>" for x in dropped) + "</ul>")
    parts += ["<h2>Text</h2>", _side_by_side(french, english, evidence, brief)]
    return _page(title, "\n".join(parts))


def write_index(out_dir: Path, in_dir: Path | None = None) -> Path:
    """(Re)build OUT_DIR/index.html and a detail page per article processed ok; return the index.
    Without `in_dir` the pages quote only the evidence sentences, not the whole French source."""
    out_dir = Path(out_dir)
    checked = (_entry(raw, out_dir) for raw in read_manifest(out_dir, warn=log.warning).values())
    entries = sorted((e for e in checked if e), key=lambda e: e.path)
    rows = []
    for n, entry in enumerate(entries, 1):
        title = escape(entry.title or entry.path)
        if entry.status == "ok":
            page = output_name(entry.path, "report")
            try:
                write_atomic(out_dir / page, _detail(out_dir, in_dir, entry))
                title = f'<a href="{quote(page)}">{title}</a>'
            except OSError as exc:  # e.g. a folder on the way is a file
                log.warning("cannot write %s: %s", page, exc)
        note = entry.reason or entry.error or ""
        cells = [str(n), title, escape(entry.path), f'<span class="{entry.status}">{entry.status}</span>',
                 "" if entry.decisions is None else str(entry.decisions), escape(note), f"{entry.seconds:.0f} s"]
        rows.append(f'<tr class="article {entry.status}">' + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    counts = {s: sum(e.status == s for e in entries) for s in ("ok", "skipped", "failed")}
    summary = ", ".join(f"{v} {k}" for k, v in counts.items())
    head = "".join(f"<th>{h}</th>" for h in ("#", "title", "file", "status", "decisions", "reason", "time"))
    body = (f"<h1>Articles</h1><p>{len(entries)} article(s): {summary}.</p>"
            f'<table class="index"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>')
    index = out_dir / INDEX
    write_atomic(index, _page("Articles", body))
    return index
