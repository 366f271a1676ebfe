"""Reading input documents (text, Markdown, HTML) into clean article text.

The result keeps the structure a translator and a brief need: blocks separated by one blank
line, and meaningful single newlines inside a block (a quotation and its attribution, a pull
quote such as "4.000\\nmilitaires", list items). Web boilerplate lines (ads, "Lire aussi",
share buttons, cookie banners…) are dropped and reported, so a user can see what was cut.

Decisions worth knowing:

* Markdown headings lose their ``#`` marks and become their own block; segment.py then
  classifies them as headings (a short line without final punctuation).
* Hard-wrapped paragraphs (every line but the last 40–100 characters, most of them ending
  mid-sentence) are joined into one line; other multi-line blocks keep their lines.
* For HTML, the page title is the document title and is put first in ``text`` when the
  extracted article does not start with it, like the first line of a text file.
* NBSP and narrow NBSP become plain spaces everywhere: numbers.py reads "3 500" with a plain
  space as 3500, and French spacing before ``; : ! ? »`` survives as a plain space.
"""

from __future__ import annotations

import hashlib
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from summarizer.errors import InputError
from summarizer.numbers import FRENCH_MONTHS, FRENCH_WEEKDAYS
from summarizer.segment import Block, Sentence, Structure, segment_text

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token
    from py3langid.langid import LanguageIdentifier

ACCEPTED = (
    "Accepted: plain text (.txt), Markdown (.md) or HTML (.html, .htm), "
    "encoded as UTF-8, Windows-1252 or Latin-1."
)

#: Leading bytes of formats people try to summarise that are not text.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document (convert it to text first, e.g. with pdftotext)"),
    (b"PK\x03\x04", "a ZIP archive (a .docx, .odt or .epub file is one: save it as text)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a Microsoft Office document (save it as text)"),
    (b"{\\rtf", "an RTF document (save it as text)"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x7fELF", "an executable program"),
)

_TEXT_CONTROLS = frozenset(b"\t\n\r\f\v\x1a\x1b")
_MAX_CONTROL_RATIO = 0.05

#: File extensions whose format is known (batch's default inputs are the first four kinds).
EXTENSIONS = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
}

_TAIL = r"(?:\s*[:>»|–-]+\s*.{0,200})?"
_UPDATED_WORDS = r"(?:mis à jour|modifi[ée]e?|actualis[ée]e?)"
#: What may follow "Publié le": only dates and times, so a sentence starting with
#: "Modifié le 3 mars, le texte…" is not taken for metadata.
_DATE_WORD = (
    rf"(?:\d[\d/.:h-]*|à|a|le|et|{_UPDATED_WORDS}|gmt|utc|heures?|[,|(){{}}-]|"
    + "|".join([*FRENCH_MONTHS, *FRENCH_WEEKDAYS])
    + ")"
)
_DATE_TAIL = rf"(?=\D*\d)(?:\s*(?>{_DATE_WORD}))+\.?"

#: Web boilerplate, matched against a whole (stripped, de-bulleted) line, case-insensitively.
#: One row per pattern: adding a pattern is adding a line.
BOILERPLATE: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (label, re.compile(pattern, re.IGNORECASE))
    for label, pattern in (
        ("advertising", r"publicit[ée]s?|pub|annonce|advertisement"),
        ("sponsored", r"(?:messages?|contenus?|liens?|articles?) sponsoris[ée]s?|sponsoris[ée]e?"),
        ("related", r"(?:[àa] )?(?:lire|voir|relire) (?:aussi|[ée]galement|encore|plus)" + _TAIL),
        ("related", r"(?:sur le même sujet|à découvrir(?: aussi)?|nos articles sur le même sujet)" + _TAIL),
        ("share", r"partager(?: (?:sur|via|par) \S+(?: \S+)?| cet article| l'article| ce contenu)?"),
        ("share", r"(?:tweeter|envoyer par (?:e-?)?mail|copier le lien|imprimer(?: l'article)?)"),
        ("share", r"(?:suivez|retrouvez)-nous (?:sur|dans) .{1,100}"),
        ("subscribe", r"abonnez-vous\b.{0,200}|s'abonner\b.{0,100}|déjà abonné\b.{0,100}"),
        ("subscribe", r"(?:cet article est )?réservé aux abonnés.{0,100}"),
        ("subscribe", r"il vous reste \d+ ?% de cet article.{0,100}"),
        ("newsletter", r"(?:inscrivez-vous|recevez|recevoir|s'inscrire)\b.{0,100}newsletters?\b.{0,100}"),
        ("newsletter", r"(?:la |notre |nos )?newsletters?\b.{0,100}"),
        ("cookies", r"(?:accepter|refuser|gérer|paramétrer|personnaliser)(?: mes| les| tous les)? cookies.{0,200}"),
        ("cookies", r"(?:nous utilisons|(?:ce|notre) site(?: web)? utilise) des cookies.{0,300}"),
        ("cookies", r"en poursuivant (?:votre )?navigation.{0,300}cookies.{0,200}"),
        ("cookies", r"tout accepter|tout refuser|continuer sans accepter"),
        ("comments", r"(?:voir|afficher|lire) (?:les )?(?:\d+ )?commentaires?|\d* ?commentaires?|réagir"),
        ("comments", r"(?:ajouter|laisser|écrire) un commentaire"),
        ("published", r"publi[ée]e? le\s" + _DATE_TAIL),
        ("updated", _UPDATED_WORDS + r" le\s" + _DATE_TAIL),
        ("photo-credit", r"(?:©|\(c\)|crédits? photos?\s*:|photo\s*:)\s*.{0,80}"),
    )
)

_BULLET = re.compile(r"^(?:[-*•>]\s*)+")
_PUBLISHED = re.compile(rf"publi[ée]e? le\s+(.+?)(?:[,.;|]?\s*{_UPDATED_WORDS}\b.*)?$", re.IGNORECASE)
_UPDATED = re.compile(rf"{_UPDATED_WORDS} le\s+(.+)$", re.IGNORECASE)

#: A media embed a scraper left inside a paragraph, with the type-size residue before it
#: (``=11pt=10.0pt[EMBED url="https://…"]``): a shortcode, never article text; or a video player's
#: script, to the end of its line (``window.pvp_2a0d… = new Pvp('digiteka', {…``: 2 of the 70
#: shared OrangeSum articles).
_EMBED = re.compile(r"(?:=\d+(?:\.\d+)?pt)*\[(?:embed|caption|video|audio|iframe)\b[^\]\n]*\]"
                    r"|\[/(?:embed|caption|video|audio|iframe)\]"
                    r"|\b(?:window|document)\.[\w$.]+\s*=\s*(?:new\s+[\w$.]+\s*\(|function\b|\{).*", re.IGNORECASE)
_SPACES = re.compile(r"[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000 ]+")
_INVISIBLE = re.compile(r"[\u00ad\u200b-\u200d\u2060\ufeff]")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

_TERMINAL = (".", "!", "?", "…", ":", ";", "»", '"', "”", ")")


@dataclass(frozen=True)
class Removed:
    """A line dropped as boilerplate (or a media embed cut out of one), with the label of the pattern
    that matched it."""

    line: str
    label: str


@dataclass
class Document:
    """A cleaned input document. ``text`` holds blocks separated by one blank line."""

    name: str
    path: Path | None
    sha256: str
    text: str
    title: str | None
    removed: list[Removed] = field(default_factory=list)
    language: str = ""
    language_confidence: float = 0.0
    metadata: dict[str, str] = field(default_factory=dict)
    #: What the reader had to guess or repair (bytes that are not UTF-8), for the user to check.
    warnings: list[str] = field(default_factory=list)

    @cached_property
    def structure(self) -> Structure:
        """Blocks and numbered sentences of ``text``, read once for every task (make a changed
        document with ``dataclasses.replace``: this is not recomputed if ``text`` is reassigned)."""
        return segment_text(self.text)

    @property
    def blocks(self) -> tuple[Block, ...]:
        """The blocks of ``text`` (headings, paragraphs, quotes, multi-line blocks)."""
        return self.structure.blocks

    @property
    def sentences(self) -> tuple[Sentence, ...]:
        """Every sentence, numbered in document order: the numbers a brief's evidence cites."""
        return self.structure.sentences


# --- bytes → str ---------------------------------------------------------------------------


def _refuse_binary(data: bytes, name: str) -> None:
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise InputError(f"{name} is not a text document: it looks like {what}. {ACCEPTED}")
    sample = data[:8192]
    controls = sum(1 for byte in sample if byte < 0x20 and byte not in _TEXT_CONTROLS)
    if b"\x00" in sample or controls > _MAX_CONTROL_RATIO * len(sample):
        raise InputError(f"{name} is not a text document: it looks like a binary file. {ACCEPTED}")


_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _decode(data: bytes, name: str) -> tuple[str, str, int]:
    """Text, the encoding that read it and how many invalid bytes were replaced. UTF-16/32 with a
    BOM is what Windows editors save."""
    for bom, encoding in (
        (b"\xff\xfe\x00\x00", "utf-32"),
        (b"\x00\x00\xfe\xff", "utf-32"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding, 0
            except UnicodeDecodeError as exc:
                raise InputError(f"{name} starts with a {encoding} mark but is not valid {encoding}.") from exc
    _refuse_binary(data, name)
    utf8 = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    try:
        return data.decode(utf8), utf8, 0
    except UnicodeDecodeError:
        pass
    # Not valid UTF-8. A UTF-8 file with a few stray bytes still holds many well-formed multi-byte
    # sequences ("é" = C3 A9); a Windows-1252 file holds almost none. Decoding the former as
    # cp1252 would turn every accent into mojibake ("dÃ©cidÃ©"), so only the latter falls back.
    sequences = len(_UTF8_SEQUENCE.findall(data))
    stray = sum(1 for byte in data if byte >= 0x80) - sum(map(len, _UTF8_SEQUENCE.findall(data)))
    if sequences > stray:
        return data.decode(utf8, errors="replace"), utf8, stray
    try:
        return data.decode("cp1252"), "cp1252", 0
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1", 0


def read_text_bytes(data: bytes, name: str) -> str:
    """Decode an input file's bytes (UTF-8 ± BOM; UTF-8 with stray bytes replaced when most of it is
    UTF-8; else Windows-1252, else Latin-1).

    Raises InputError for binary data (PDF, ZIP/Office, images, NUL bytes, control characters),
    naming what the file looks like and what is accepted.
    """
    return _decode(data, name)[0]


# --- text normalisation ---------------------------------------------------------------------


def _normalise(text: str) -> str:
    """NFC, Unix newlines, plain spaces, no invisible or control characters, stripped lines."""
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"\r\n?|[\f\v\u2028\u2029\x85]", "\n", text)
    text = _CONTROLS.sub("", _INVISIBLE.sub("", text))
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))


# --- format-specific extraction -------------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)


def _front_matter(text: str, metadata: dict[str, str]) -> str:
    """Drop YAML front matter, keeping ``title`` and ``date`` as metadata."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return text
    for line in match.group(1).split("\n"):
        key, sep, value = line.partition(":")
        if sep and key.strip() in ("title", "date") and value.strip():
            metadata["title" if key.strip() == "title" else "published"] = value.strip().strip("\"'")
    return text[match.end() :]


@cache
def _markdown_parser() -> MarkdownIt:
    """CommonMark with GitHub's tables and strikethrough (what trafilatura writes). Imported here:
    ~60 ms, and most inputs are text."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


def _is_comment(html: str) -> bool:
    return html.lstrip().startswith("<!--")


def _inline_text(token: Token) -> str:
    """The text of an inline token: markup, images and HTML comments dropped, line breaks kept."""
    parts = []
    for child in token.children or ():
        if child.type in ("text", "code_inline") or child.type == "html_inline" and not _is_comment(child.content):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
    return "".join(parts)


def _markdown_to_text(text: str) -> str:
    """Markdown → text: a block per paragraph, heading and code block; a tight list is one block with
    a line per item (after a ``- `` or ``1. `` marker; a loose list's paragraphs stay blocks), a
    table one block with a line per row (cells joined by `` | ``). Inline markup, images, rules and
    HTML comments are dropped; other raw HTML is kept as written."""
    blocks: list[list[str]] = []
    lists = 0  # depth of the open lists, whose items all go into one block
    marker = ""  # the open list item's marker, for its first line
    loose = False  # the open paragraph is one of a loose list's (items apart): its own block
    cells: list[str] | None = None  # the open table row's

    def add(lines: list[str]) -> None:
        if lists and not loose:
            blocks[-1].extend(lines)
        else:
            blocks.append(lines)

    for token in _markdown_parser().parse(text):
        kind = token.type
        if kind == "paragraph_open":
            loose = lists > 0 and not token.hidden
        elif kind in ("bullet_list_open", "ordered_list_open"):
            if not lists:
                blocks.append([])
            lists += 1
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists -= 1
        elif kind == "list_item_open":
            marker = f"{token.info}{token.markup} " if token.info else "- "
        elif kind == "table_open":
            blocks.append([])
        elif kind == "tr_open":
            cells = []
        elif kind == "tr_close":
            blocks[-1].append(" | ".join(cells or []))
            cells = None
        elif kind == "inline" and cells is not None:
            cells.append(_inline_text(token).strip())
        elif kind == "inline":
            lines = _inline_text(token).split("\n")
            lines[0], marker = marker + lines[0], ""
            add(lines)
        elif kind in ("fence", "code_block") or kind == "html_block" and not _is_comment(token.content):
            add(token.content.split("\n"))
    return "\n\n".join("\n".join(line for line in map(str.strip, block) if line) for block in blocks)


def _html_to_text(html: str, metadata: dict[str, str]) -> str:
    """Article text of a web page via trafilatura (Markdown keeps headings and paragraphs).

    Falls back to the page's visible text when trafilatura finds no article. Imported here:
    trafilatura takes ~0.3 s to import and most inputs are text.
    """
    import trafilatura
    from trafilatura.xml import xmltotxt

    extracted = trafilatura.bare_extraction(
        html,
        favor_recall=True,
        include_comments=False,
        include_formatting=True,
        include_tables=True,
        include_links=False,
        include_images=False,
        with_metadata=True,
    )
    if extracted is not None:
        if extracted.title:
            metadata["title"] = extracted.title
        if extracted.date:
            metadata["published"] = extracted.date
        body = xmltotxt(extracted.body, True) if extracted.body is not None else ""
        if body.strip():
            return _markdown_to_text(body)
    return _lxml_text(html, metadata)


_BLOCK_TAGS = frozenset(
    "address article blockquote dd div dl dt figcaption figure h1 h2 h3 h4 h5 h6 li main ol p pre "
    "section table tr ul".split()
)
_DROP_TAGS = ("script", "style", "noscript", "template", "svg", "nav", "header", "footer", "aside", "form")


def _lxml_text(html: str, metadata: dict[str, str]) -> str:
    """All visible body text, a blank line around each block element and a newline per <br>."""
    from lxml import etree
    from lxml import html as lxml_html

    try:
        root = lxml_html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return ""
    title = root.findtext(".//title")
    if title and title.strip():
        metadata.setdefault("title", title.strip())
    body = root.find("body")
    if body is None:
        return ""
    etree.strip_elements(body, *_DROP_TAGS, with_tail=False)
    for element in body.iter():
        if element.tag == "br":
            element.tail = "\n" + (element.tail or "")
        elif element.tag in _BLOCK_TAGS:
            element.text = "\n\n" + (element.text or "")
            element.tail = "\n\n" + (element.tail or "")
    return body.text_content()


def _detect_format(source_name: str, text: str) -> str:
    suffix = Path(source_name).suffix.lower()
    if suffix in EXTENSIONS:
        return EXTENSIONS[suffix]
    head = text[:4096].lstrip().lower()
    if head.startswith(("<!doctype html", "<html", "<?xml", "<head", "<body", "<meta")) or len(
        re.findall(r"<(?:p|div|br|span|a|h[1-6]|article|section)\b", head)
    ) >= 3:
        return "html"
    if re.search(r"^#{1,6}\s+\S|\[[^\]]+\]\([^)]+\)", text[:8192], re.MULTILINE):
        return "markdown"
    return "text"


# --- boilerplate and layout -----------------------------------------------------------------


def _boilerplate_label(line: str) -> str | None:
    candidate = _BULLET.sub("", line).strip(" *_")
    for label, pattern in BOILERPLATE:
        if pattern.fullmatch(candidate):
            return label
    return None


def _remove_boilerplate(lines: list[str], metadata: dict[str, str]) -> tuple[list[str], list[Removed]]:
    kept: list[str] = []
    removed: list[Removed] = []
    for line in lines:
        label = _boilerplate_label(line) if line else None
        if label is None:
            for embed in _EMBED.findall(line):
                removed.append(Removed(embed, "embed"))
            kept.append(" ".join(_EMBED.sub(" ", line).split()))
            continue
        removed.append(Removed(line, label))
        if label in ("published", "updated"):
            published = _PUBLISHED.match(line)
            if published:
                metadata.setdefault("published", published.group(1).strip(" ,.;"))
            updated = _UPDATED.search(line)
            if updated:
                metadata.setdefault("updated", updated.group(1).strip(" ,.;"))
    return kept, removed


def _is_hard_wrapped(lines: list[str]) -> bool:
    """Lines of a paragraph broken at a fixed width, not lines that carry meaning."""
    body = lines[:-1]
    if not body or any(not 40 <= len(line) <= 100 for line in body):
        return False
    open_ended = sum(1 for line in body if not line.endswith(_TERMINAL))
    return 2 * open_ended >= len(body)


def _blocks(lines: list[str]) -> list[str]:
    """Group lines into blocks at blank lines, joining hard-wrapped paragraphs."""
    blocks: list[str] = []
    current: list[str] = []
    for line in [*lines, ""]:
        if line:
            current.append(line)
        elif current:
            blocks.append(" ".join(current) if _is_hard_wrapped(current) else "\n".join(current))
            current = []
    return blocks


def _letters(text: str) -> str:
    """Letters and digits only, to compare titles across apostrophe and punctuation styles."""
    return re.sub(r"\W+", "", text.casefold())


def _title(blocks: list[str], metadata: dict[str, str]) -> str | None:
    if metadata.get("title"):
        return metadata["title"]
    first = blocks[0].split("\n", 1)[0] if blocks else ""
    return first if len(first) < 200 and not first.endswith(".") else None


@cache
def _language_identifier() -> LanguageIdentifier:
    """Loaded once, on first use: the model takes ~1 s to load."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> tuple[str, float]:
    """ISO 639-1 code and probability (0–1) of the language of ``text`` (first 20 000 chars)."""
    language, confidence = _language_identifier().classify(text[:20_000])
    return str(language), float(confidence)


def looks_french(doc: Document) -> bool:
    """Whether the document's text was identified as French (the CLI warns when not)."""
    return doc.language == "fr"


# --- entry points ---------------------------------------------------------------------------


def _read_source(source: str | Path, stdin_name: str) -> tuple[bytes, str, Path | None]:
    if str(source) == stdin_name:
        return sys.stdin.buffer.read(), "<stdin>", None
    path = Path(source)
    if not path.exists():
        raise InputError(f"No such file: {path}")
    if path.is_dir():
        raise InputError(f"{path} is a directory; give a text, Markdown or HTML file.")
    try:
        return path.read_bytes(), path.name, path
    except OSError as exc:
        raise InputError(f"Cannot read {path}: {exc.strerror or exc}") from exc


def parse_document(
    data: bytes, name: str, *, path: Path | None = None, keep_boilerplate: bool = False
) -> Document:
    """Build a Document from raw bytes; ``name`` (its extension) picks the format."""
    raw, encoding, replaced = _decode(data, name)
    text = _normalise(raw)
    if not text.strip():
        raise InputError(f"{name} is empty.")
    fmt = _detect_format(name, text)
    metadata: dict[str, str] = {"format": fmt, "encoding": encoding}
    if fmt == "html":
        text = _normalise(_html_to_text(text, metadata))
    elif fmt == "markdown":
        text = _normalise(_markdown_to_text(_front_matter(text, metadata)))
    lines = text.split("\n")
    removed: list[Removed] = []
    if not keep_boilerplate:
        lines, removed = _remove_boilerplate(lines, metadata)
    blocks = _blocks(lines)
    if not blocks:
        suffix = " once web boilerplate is removed." if removed else "."
        raise InputError(f"{name} contains no article text{suffix}")
    title = _title(blocks, metadata)
    if fmt == "html" and title and _letters(title) != _letters(blocks[0].split("\n", 1)[0]):
        blocks.insert(0, title)
    cleaned = "\n\n".join(blocks)
    language, confidence = detect_language(cleaned)
    warnings = [f"{name}: {replaced} byte(s) that are not UTF-8 were replaced by \ufffd; check the text there."] if replaced else []
    return Document(
        name=name,
        path=path,
        sha256=hashlib.sha256(data).hexdigest(),
        text=cleaned,
        title=title,
        removed=removed,
        language=language,
        language_confidence=confidence,
        metadata=metadata,
        warnings=warnings,
    )


def read_document(source: str | Path, *, keep_boilerplate: bool = False, stdin_name: str = "-") -> Document:
    """Read a path (or ``stdin_name`` for standard input) into a cleaned Document.

    Raises InputError for a missing file, a directory, an empty, binary or unsupported input.
    With ``keep_boilerplate`` no line is removed and ``removed`` is empty.
    """
    data, name, path = _read_source(source, stdin_name)
    return parse_document(data, name, path=path, keep_boilerplate=keep_boilerplate)


def read_text_lines(source: str | Path, *, stdin_name: str = "-") -> list[str]:
    """The lines of a text file, for line-aligned test sets (FLORES, WMT): one segment per line.

    No format handling, boilerplate removal or joining; blank lines are kept so that output line
    n answers input line n. Decoding and refusals are those of ``read_document``.
    """
    data, name, _ = _read_source(source, stdin_name)
    text = _normalise(read_text_bytes(data, name))
    if not text.strip():
        raise InputError(f"{name} is empty.")
    lines = text.split("\n")
    return lines[:-1] if lines[-1] == "" else lines
