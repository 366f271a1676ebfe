import hashlib
import io
import sys
from pathlib import Path

import pytest

from summarizer.documents import (
    Removed,
    detect_language,
    looks_french,
    parse_document,
    read_document,
    read_text_bytes,
    read_text_lines,
)
from summarizer.errors import InputError

SEED = Path(__file__).resolve().parent.parent / "seeds" / "otan-irak-2021.fr.txt"

FRENCH = (
    "L'Otan a décidé jeudi d'accroître sa présence en Irak, avec l'envoi graduel de 3.500 militaires "
    "pour des missions de formation à la lutte contre le terrorisme."
)
ENGLISH = (
    "NATO decided on Thursday to increase its presence in Iraq, gradually sending 3,500 troops "
    "for training missions in the fight against terrorism."
)


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


# --- the seed article -----------------------------------------------------------------------


def test_seed_article() -> None:
    doc = read_document(SEED)
    assert doc.name == "otan-irak-2021.fr.txt"
    assert doc.path == SEED
    assert doc.sha256 == hashlib.sha256(SEED.read_bytes()).hexdigest()
    assert doc.title == "L'Otan renforce sa mission de formation en Irak pour éviter un retour de Daech"
    assert doc.language == "fr" and doc.language_confidence > 0.9 and looks_french(doc)
    for boilerplate in ("Publicité", "Messages sponsorisés", "Lire également"):
        assert boilerplate not in doc.text
    assert doc.text.endswith("a expliqué Jens Stoltenberg.")
    assert [(r.line, r.label) for r in doc.removed] == [
        ("Lire également", "related"),
        *[("Publicité", "advertising")] * 3,
        *[("Messages sponsorisés", "sponsored")] * 2,
    ]
    blocks = doc.blocks
    assert len(blocks) == 18
    assert [b.text for b in blocks if b.kind == "heading"] == [
        doc.title,
        "La décision de retrait d'Afghanistan différée",
        "Mission élargie en Irak",
        "Horizon 2030",
    ]
    quote = blocks[7]
    assert quote.kind == "quote"
    assert quote.lines[1:] == ("Jens Stoltenberg", "Secrétaire général de l'Otan")
    pull_quote = blocks[12]
    assert pull_quote.kind == "line" and pull_quote.lines[:2] == ("4.000", "militaires")
    assert "©AFP" in blocks[1].text  # a caption's credit suffix is kept
    assert "\n\n\n" not in doc.text


def test_seed_article_keep_boilerplate() -> None:
    doc = read_document(SEED, keep_boilerplate=True)
    assert doc.removed == []
    assert doc.text.count("Publicité") == 3
    assert "Messages sponsorisés" in doc.text


# --- formats --------------------------------------------------------------------------------


def test_plain_text(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", f"Un titre court\r\n\r\n\r\n\r\n{FRENCH}\r\nSeconde ligne.\r\n")
    doc = read_document(path)
    assert doc.text == f"Un titre court\n\n{FRENCH}\nSeconde ligne."
    assert doc.title == "Un titre court"
    assert doc.metadata == {"format": "text", "encoding": "utf-8"}


def test_title_is_none_for_a_sentence(tmp_path: Path) -> None:
    assert read_document(write(tmp_path, "a.txt", FRENCH)).title is None


def test_markdown(tmp_path: Path) -> None:
    text = (
        "---\ntitle: \"L'Otan en Irak\"\ndate: 2021-02-18\n---\n"
        "# L'Otan en Irak\n"
        f"{FRENCH} Voir **le rapport** et [la carte](https://example.org/carte) ou _ce lien_.\n\n"
        "## Mission élargie\n\n"
        "> \"Une citation.\"\n> Jens Stoltenberg\n\n"
        "* premier point\n* second point\n\n"
        "![photo](img.png)\n"
        "Titre souligné\n==============\n"
    )
    doc = read_document(write(tmp_path, "a.md", text))
    blocks = doc.blocks
    assert [b.text for b in blocks] == [
        "L'Otan en Irak",
        f"{FRENCH} Voir le rapport et la carte ou ce lien.",
        "Mission élargie",
        '"Une citation."\nJens Stoltenberg',
        "- premier point\n- second point",
        "Titre souligné",
    ]
    assert [b.kind for b in blocks] == ["heading", "paragraph", "heading", "quote", "line", "heading"]
    assert doc.title == "L'Otan en Irak"
    assert doc.metadata["published"] == "2021-02-18"
    assert doc.metadata["format"] == "markdown"


def test_markdown_is_read_as_commonmark() -> None:
    """Tables, lists, links, emphasis, escapes and breaks as a CommonMark reader sees them (the
    hand-written regexes this replaced left `~~`, `\\*` and a backslash line break in the text,
    and joined the paragraph after a table to its rows)."""
    text = (
        "## Les effectifs ##\n"
        "Selon [le ministère][min], l'effort atteint **3\\.500** *militaires* ~~en 2020~~ \\*estimé\\* <!-- note -->.\n\n"
        "| Pays | Effectif |\n|---|---:|\n| France | `3.500` |\n| Italie | 4 000 |\n\n"
        "Une ligne après le tableau.\n\n"
        "1. premier point\n2. second point\n\n"
        "Ligne un  \nLigne deux\\\nLigne trois, voir <https://example.org>.\n\n"
        "***\n\n![carte](carte.png)\n\n"
        "[min]: https://example.org/ministere\n"
    )
    assert parse_document(text.encode(), "a.md").text == (
        "Les effectifs\n\n"
        "Selon le ministère, l'effort atteint 3.500 militaires en 2020 *estimé* .\n\n"
        "Pays | Effectif\nFrance | 3.500\nItalie | 4 000\n\n"
        "Une ligne après le tableau.\n\n"
        "1. premier point\n2. second point\n\n"
        "Ligne un\nLigne deux\nLigne trois, voir https://example.org."
    )


ARTICLE_HTML = """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">
<title>L'Otan en Irak - Le Journal</title>
<meta property="og:title" content="L'Otan renforce sa mission en Irak">
<meta property="article:published_time" content="2021-02-18T10:00:00Z"></head>
<body><nav><a href="/">Accueil</a> <a href="/monde">Monde</a></nav>
<article>
<p>L'Otan a décidé jeudi d'accroître sa présence en Irak, avec l'envoi graduel de 3.500 militaires.
L'alliance a également décidé de différer son retrait d'Afghanistan.</p>
<h2>Mission élargie en Irak</h2>
<p>La taille de cette mission passera graduellement de 500 à 4.000 militaires, en réponse de la
demande du gouvernement <b>irakien</b>.</p>
<p>Lire aussi : <a href="/x">Un autre article sur l'Otan</a></p>
<p>Publicité</p>
<p>"Notre objectif est de s'assurer qu'il y ait un accord politique durable", a précisé le
Secrétaire général.</p>
</article><footer>Mentions légales</footer><script>var tracker = 1;</script></body></html>"""


def test_html(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path, "a.html", ARTICLE_HTML))
    assert doc.title == "L'Otan renforce sa mission en Irak"
    assert doc.metadata["format"] == "html"
    assert doc.metadata["published"] == "2021-02-18"
    blocks = doc.blocks
    assert blocks[0].text == doc.title  # the page title leads the text, like a text file's first line
    assert ("Mission élargie en Irak", "heading") in [(b.text, b.kind) for b in blocks]
    assert "4.000 militaires" in doc.text and "irakien." in doc.text
    for absent in ("Accueil", "Mentions légales", "tracker", "Publicité", "Lire aussi", "<"):
        assert absent not in doc.text
    assert Removed("Lire aussi : Un autre article sur l'Otan", "related") in doc.removed
    assert doc.language == "fr"


def test_html_sniffed_without_extension(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path, "article", ARTICLE_HTML))
    assert doc.metadata["format"] == "html"
    assert "<p>" not in doc.text and "3.500 militaires" in doc.text


def test_html_fallback_when_extractor_finds_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import trafilatura

    monkeypatch.setattr(trafilatura, "bare_extraction", lambda *args, **kwargs: None)
    html = (
        "<html><head><title>Court</title></head><body><nav>Menu</nav><div>Bonjour à tous.</div>"
        "<p>Le chat dort.<br>Il rêve.</p><script>x = 1</script></body></html>"
    )
    doc = read_document(write(tmp_path, "b.htm", html))
    assert doc.text == "Court\n\nBonjour à tous.\n\nLe chat dort.\nIl rêve."
    assert doc.title == "Court"


def test_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    data = f"Titre\n\n{FRENCH}\n".encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    doc = read_document("-")
    assert doc.name == "<stdin>" and doc.path is None
    assert doc.sha256 == hashlib.sha256(data).hexdigest()
    assert doc.text == f"Titre\n\n{FRENCH}"


def test_stdin_html_is_sniffed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(ARTICLE_HTML.encode())))
    doc = read_document("-")
    assert doc.metadata["format"] == "html" and "Mission élargie en Irak" in doc.text


def test_custom_stdin_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(FRENCH.encode())))
    assert read_document("STDIN", stdin_name="STDIN").name == "<stdin>"


# --- encodings ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("L’été coûte 5 € à Noël.".encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + "L’été coûte 5 € à Noël.".encode("utf-8"), "utf-8-sig"),
        ("L’été coûte 5 € à Noël.".encode("cp1252"), "cp1252"),
        ("L’été coûte 5 € à Noël.".encode("utf-16"), "utf-16"),
    ],
)
def test_encodings(tmp_path: Path, data: bytes, encoding: str) -> None:
    doc = read_document(write(tmp_path, "a.txt", data))
    assert doc.text == "L’été coûte 5 € à Noël."
    assert doc.metadata["encoding"] == encoding


def test_latin1(tmp_path: Path) -> None:
    # 0x81 is undefined in cp1252, so only Latin-1 reads this file; the C1 control is dropped.
    doc = read_document(write(tmp_path, "a.txt", "Café crème à Noël".encode("latin-1") + b"\x81"))
    assert doc.text == "Café crème à Noël"
    assert doc.metadata["encoding"] == "latin-1"


def test_read_text_bytes() -> None:
    assert read_text_bytes("Déjà".encode("cp1252"), "x.txt") == "Déjà"
    assert read_text_bytes(b"\xef\xbb\xbfD\xc3\xa9j\xc3\xa0", "x.txt") == "Déjà"


# --- refusals -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "looks_like"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF document"),
        (b"PK\x03\x04\x14\x00\x06\x00", "ZIP archive"),
        (b"Du texte\x00avec un octet nul", "binary file"),
        (bytes(range(1, 32)) * 20, "binary file"),
    ],
)
def test_binary_is_refused(tmp_path: Path, data: bytes, looks_like: str) -> None:
    with pytest.raises(InputError) as error:
        read_document(write(tmp_path, "a.txt", data))
    assert looks_like in str(error.value)
    assert "a.txt" in str(error.value) and "Accepted:" in str(error.value)


@pytest.mark.parametrize("content", [b"", b"  \n\t\r\n  ", "\u00a0\u202f\n".encode()])
def test_empty_is_refused(tmp_path: Path, content: bytes) -> None:
    with pytest.raises(InputError, match="a.txt is empty"):
        read_document(write(tmp_path, "a.txt", content))


def test_only_boilerplate_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no article text once web boilerplate is removed"):
        read_document(write(tmp_path, "a.txt", "Publicité\n\nLire aussi\nPartager"))


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="No such file"):
        read_document(tmp_path / "absent.txt")


def test_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a directory"):
        read_document(tmp_path)


def test_empty_stdin_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"")))
    with pytest.raises(InputError, match="<stdin> is empty"):
        read_document("-")


# --- cleaning -------------------------------------------------------------------------------


def test_spaces_and_invisible_characters_are_normalised() -> None:
    doc = parse_document(
        "Il y a 3\u00a0500 militaires\u202f! «\u00a0Oui\u00a0»\tdit-il.\u200b\u00ad\r\nFin\rici.".encode(),
        "a.txt",
    )
    assert doc.text == "Il y a 3 500 militaires ! « Oui » dit-il.\nFin\nici."


def test_a_media_embed_inside_a_paragraph_is_cut_out_and_reported() -> None:
    text = ('Un titre\n\nIls deviennent les "parents d\'intention".=11pt=10.0pt[EMBED url="https://video.example.fr/'
            'tv/x-CNT01.html"]Toutefois, le ministère dément. [caption id="a1"]Photo[/caption]')
    doc = parse_document(text.encode(), "a.txt")
    assert [s.text for s in doc.sentences][1:] == ['Ils deviennent les "parents d\'intention".',
                                                   "Toutefois, le ministère dément.", "Photo"]
    assert [r.label for r in doc.removed] == ["embed"] * 3 and "EMBED url=" in doc.removed[0].line
    assert "[EMBED" in parse_document(text.encode(), "a.txt", keep_boilerplate=True).text


def test_a_video_players_script_left_in_a_paragraph_is_cut_out_and_reported() -> None:
    text = ("Un titre\n\nLe port du masque sera obligatoire. window.pvp_2a0d = new Pvp('digiteka', { 'id': 'CNT01', "
            '"mute": true, "autoplay": false\n\nLe préfet a signé l\'arrêté. La window.location de la page = rien.')
    doc = parse_document(text.encode(), "a.txt")
    assert [s.text for s in doc.sentences][1:] == ["Le port du masque sera obligatoire.", "Le préfet a signé l'arrêté.",
                                                   "La window.location de la page = rien."]  # not a script
    assert [r.label for r in doc.removed] == ["embed"] and doc.removed[0].line.startswith("window.pvp_2a0d = new Pvp(")


def test_boilerplate_is_removed_and_reported() -> None:
    text = "\n".join(
        [
            "Un titre",
            "Publié le 18/02/2021 à 10h00, mis à jour le 18/02/2021 à 12h15",
            "",
            FRENCH,
            "Lire aussi : L'Otan et la Russie",
            "À lire aussi",
            "Partager sur Facebook",
            "Partager",
            "Abonnez-vous pour lire la suite",
            "Inscrivez-vous à notre newsletter",
            "Accepter les cookies",
            "Nous utilisons des cookies pour améliorer votre expérience.",
            "Voir les commentaires",
            "©AFP",
            "",
            "Modifié le 3 mars, le texte a été adopté par l'Assemblée.",
            "Facebook utilise des cookies pour suivre les internautes.",
        ]
    )
    doc = parse_document(text.encode(), "a.txt")
    assert [r.label for r in doc.removed] == [
        "published",
        "related",
        "related",
        "share",
        "share",
        "subscribe",
        "newsletter",
        "cookies",
        "cookies",
        "comments",
        "photo-credit",
    ]
    assert doc.metadata["published"] == "18/02/2021 à 10h00"
    assert doc.metadata["updated"] == "18/02/2021 à 12h15"
    assert doc.text == (
        f"Un titre\n\n{FRENCH}\n\nModifié le 3 mars, le texte a été adopté par l'Assemblée.\n"
        "Facebook utilise des cookies pour suivre les internautes."
    )


def test_hard_wrapped_paragraph_is_joined_but_line_blocks_are_kept() -> None:
    wrapped = (
        "L'Otan a décidé jeudi d'accroître sa présence en Irak, avec\n"
        "l'envoi graduel de 3.500 militaires pour des missions de\n"
        "formation à la lutte contre le terrorisme."
    )
    quote = '"L\'objectif de l\'Otan est de s\'assurer que l\'Afghanistan ne redevienne pas un refuge."\nJens Stoltenberg'
    doc = parse_document(f"{wrapped}\n\n{quote}\n\n4.000\nmilitaires".encode(), "a.txt")
    blocks = doc.blocks
    assert blocks[0].lines == (wrapped.replace("\n", " "),)
    assert blocks[1].text == quote
    assert blocks[2].lines == ("4.000", "militaires")


# --- language -------------------------------------------------------------------------------


def test_language_detection(tmp_path: Path) -> None:
    french = read_document(write(tmp_path, "fr.txt", FRENCH))
    english = read_document(write(tmp_path, "en.txt", ENGLISH))
    assert (french.language, looks_french(french)) == ("fr", True)
    assert (english.language, looks_french(english)) == ("en", False)
    assert english.language_confidence > 0.9


def test_detect_language() -> None:
    language, confidence = detect_language(FRENCH)
    assert language == "fr" and 0.5 < confidence <= 1.0


def test_html_in_cp1252_gets_its_title_first(tmp_path: Path) -> None:
    html = (
        '<html><head><meta charset="windows-1252"><title>Été</title></head>'
        "<body><p>L’été coûte 5 €, déjà.</p></body></html>"
    )
    doc = read_document(write(tmp_path, "a.html", html.encode("cp1252")))
    assert doc.metadata["encoding"] == "cp1252"
    assert doc.text == "Été\n\nL’été coûte 5 €, déjà."


# --- line mode ------------------------------------------------------------------------------


def test_read_text_lines_keeps_every_line(tmp_path: Path) -> None:
    data = "Première phrase.\r\n\r\nPublicité\r\n  Troisième\u00a0ligne  \r\n".encode("cp1252")
    assert read_text_lines(write(tmp_path, "a.txt", data)) == ["Première phrase.", "", "Publicité", "Troisième ligne"]


def test_read_text_lines_stdin_and_refusals(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"un\ndeux")))
    assert read_text_lines("-") == ["un", "deux"]
    with pytest.raises(InputError, match="is empty"):
        read_text_lines(write(tmp_path, "a.txt", b"\n\n"))
    with pytest.raises(InputError, match="PNG image"):
        read_text_lines(write(tmp_path, "b.txt", b"\x89PNG\r\n\x1a\n"))


def test_utf8_with_one_stray_byte_is_not_read_as_cp1252():
    data = "L'Otan a décidé d'élargir sa mission en Irak.".encode() + b" \x92 Fin."
    doc = parse_document(data, "a.txt")
    assert "décidé" in doc.text and "Ã" not in doc.text and "\ufffd" in doc.text
    assert doc.metadata["encoding"] == "utf-8" and "1 byte(s) that are not UTF-8" in doc.warnings[0]
    cp1252 = parse_document("L'Otan a décidé d'élargir sa mission.".encode("cp1252"), "b.txt")
    assert "décidé" in cp1252.text and cp1252.metadata["encoding"] == "cp1252" and not cp1252.warnings
