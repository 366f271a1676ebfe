"""A batch's report a person can open: OUT_DIR/index.html and one NAME.report.html per article.

Built only from the manifest (latest entry per input) and the outputs, so it can be rebuilt at any
time. Pages are self-contained (inline CSS, no scripts, no external resources) and every piece
of text is HTML-escaped. The French column is the cleaned source, re-read from the input when it
still has the bytes the manifest recorded; each decision's evidence sentences are wrapped in
<mark>, which is how a reader checks a decision against what the article says.
"""

from __future__ import annotations

import hashlib
import json
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .batch import INDEX, read_manifest
from .documents import parse_document
from .errors import SummarizerError
from .outputs import write_atomic
from .segment import number_sentences, split_paragraphs

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


def page_name(entry: dict[str, Any]) -> str:
    """Path of an entry's detail page, relative to OUT_DIR."""
    return f"{entry['name']}.report.html"


def _read(out_dir: Path, rel: str | None) -> str | None:
    if not rel:
        return None
    try:
        return (out_dir / rel).read_text(encoding="utf-8")
    except OSError:
        return None


def _source_text(entry: dict[str, Any]) -> str | None:
    """The cleaned French text, if the input is still there with the bytes that were processed."""
    try:
        path = Path(entry["source"])
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != entry.get("sha256"):
            return None
        return parse_document(data, path.name, path=path).text
    except (OSError, KeyError, SummarizerError):
        return None


def _marked_french(text: str, evidence: dict[int, list[str]]) -> list[str]:
    """HTML of each block of `text`, lines kept, evidence sentences wrapped in <mark>."""
    by_line: dict[tuple[int, int], list[Any]] = {}
    for s in number_sentences(text):
        by_line.setdefault((s.paragraph, s.line), []).append(s)
    blocks = []
    for block in split_paragraphs(text):
        lines = []
        for n, line in enumerate(block.lines):
            out, cursor = [], 0
            for s in by_line.get((block.index, n), []):
                start = line.find(s.text, cursor)
                if s.index not in evidence or start < 0:
                    continue
                end = start + len(s.text)
                ids = ", ".join(evidence[s.index])
                out += [escape(line[cursor:start]),
                        f'<mark id="s{s.index}" title="evidence of {escape(ids)}">{escape(s.text)}</mark>']
                cursor = end
            out.append(escape(line[cursor:]))
            lines.append("".join(out))
        blocks.append("<br>".join(lines))
    return blocks


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


def _detail(out_dir: Path, entry: dict[str, Any]) -> str:
    outputs = entry.get("outputs", {})
    raw = _read(out_dir, outputs.get("brief_json"))
    brief = json.loads(raw) if raw else None
    english = _read(out_dir, outputs.get("translation"))
    evidence: dict[int, list[str]] = {}
    for d in (brief or {}).get("decisions", []):
        for e in d["evidence"]:
            evidence.setdefault(e["sentence"], []).append(d["id"])
    source = _source_text(entry)
    french = _marked_french(source, evidence) if source is not None else None
    title = entry.get("title") or entry["path"]
    back = "../" * entry["name"].count("/") + INDEX
    versions = ", ".join(f"{k} {v}" for k, v in entry.get("prompt_versions", {}).items())
    about = f'{entry["path"]} · {entry.get("model", "")} · {versions}'
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


def write_index(out_dir: Path) -> Path:
    """(Re)build OUT_DIR/index.html and a detail page per article processed ok; return the index."""
    out_dir = Path(out_dir)
    entries = sorted(read_manifest(out_dir).values(), key=lambda e: e["path"])
    rows = []
    for n, entry in enumerate(entries, 1):
        status = entry.get("status", "?")
        title = escape(entry.get("title") or entry["path"])
        if status == "ok" and "name" in entry:
            page = page_name(entry)
            write_atomic(out_dir / page, _detail(out_dir, entry))
            title = f'<a href="{quote(page)}">{title}</a>'
        decisions = entry.get("decisions")
        note = entry.get("reason") or entry.get("error") or ""
        cells = [str(n), title, escape(entry["path"]), f'<span class="{escape(status)}">{escape(status)}</span>',
                 "" if decisions is None else str(decisions), escape(note), f'{entry.get("seconds", 0):.0f} s']
        rows.append(f'<tr class="article {escape(status)}">' + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    counts = {s: sum(e.get("status") == s for e in entries) for s in ("ok", "skipped", "failed")}
    summary = ", ".join(f"{v} {k}" for k, v in counts.items())
    head = "".join(f"<th>{h}</th>" for h in ("#", "title", "file", "status", "decisions", "reason", "time"))
    body = (f"<h1>Articles</h1><p>{len(entries)} article(s): {summary}.</p>"
            f'<table class="index"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>')
    index = out_dir / INDEX
    write_atomic(index, _page("Articles", body))
    return index
