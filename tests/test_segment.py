import pytest

from summarizer.segment import Block, Sentence, number_sentences, split_paragraphs, split_sentences


@pytest.mark.parametrize(
    "text",
    [
        "M. Dupont est arrivé hier.",
        "Mme Martin et MM. Durand et Lefèvre sont là.",
        "Le Dr. House et St. Louis sont cités.",
        "Il aime les pommes, les poires, etc. et les fraises.",
        "On cite p. ex. ce cas précis.",
        "J. Stoltenberg a parlé, avec J.-P. Raffarin.",
        "Le 1er mai, il a vu le 2e tour.",
        "Il y a 3.500 militaires et 4.000 militaires de plus.",
        "La dette atteint 1.117.320.768 euros, soit 3,5 % du total.",
        "Le taux passe de 2.5 à 3.75 points.",
        "Voir https://www.example.fr/a.b.html?x=1.2 pour plus de détails.",
        "Il hésite... puis repart.",
        "Il hésite… puis repart.",
        "« Bonjour. » dit-il.",
        "« Bonjour. », a-t-il dit.",
        "« Partez ! » s'écrie-t-il.",
        '"Les pourparlers sont fragiles.", a-t-il ajouté.',
        '"Les pourparlers sont fragiles", a-t-il ajouté.',
        "Voir l'art. 5 du traité et la p. 12 du rapport.",
        "Il est né le 3 janv. 2020 à Paris.",
        "Nous avons […] Les troupes sont parties.",
        "1. Introduction du texte.",
    ],
)
def test_single_sentence_is_not_split(text: str) -> None:
    assert split_sentences(text) == [text]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("M. Dupont est arrivé. Il a parlé.", ["M. Dupont est arrivé.", "Il a parlé."]),
        ("C'était en 2017. L'an dernier.", ["C'était en 2017.", "L'an dernier."]),
        ("Il part ! Elle reste ? Oui… Non.", ["Il part !", "Elle reste ?", "Oui…", "Non."]),
        ("La Chine... Les sujets brûlants.", ["La Chine...", "Les sujets brûlants."]),
        ("Il a fini. « Quoi ? » Fin.", ["Il a fini.", "« Quoi ? »", "Fin."]),
        ('Il a fini. "Bien", dit-il.', ["Il a fini.", '"Bien", dit-il.']),
        ("« Je viens. » Il part.", ["« Je viens. »", "Il part."]),
        ("Les poires, etc. Puis il part.", ["Les poires, etc.", "Puis il part."]),
        ("Ils étaient sept. Les secours sont là.", ["Ils étaient sept.", "Les secours sont là."]),
        ("Né en 50 av. J.-C. Les Romains.", ["Né en 50 av. J.-C.", "Les Romains."]),
        ("Le bilan est lourd. 2.500 morts.", ["Le bilan est lourd.", "2.500 morts."]),
        ("Fin.   Début.", ["Fin.", "Début."]),
        ("Une ligne\nUne autre ligne", ["Une ligne", "Une autre ligne"]),
    ],
)
def test_sentences_are_split(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_seed_quote_paragraph() -> None:
    text = (
        '"À ce stade, nous n\'avons pris aucune décision finale quant à notre future présence", '
        "a déclaré le Secrétaire général de l'Otan, Jens Stoltenberg. \"Les pourparlers sont fragiles "
        'et les progrès sont lents", a-t-il ajouté. Les Talibans avaient été chassés du pouvoir '
        "après les attentats du 11 septembre 2001."
    )
    sentences = split_sentences(text)
    assert len(sentences) == 3
    assert sentences[1].endswith("a-t-il ajouté.")


def test_empty_text_has_no_sentences() -> None:
    assert split_sentences("") == []
    assert split_sentences("  \n \n") == []


def test_split_paragraphs_kinds_and_lines() -> None:
    text = (
        "Mission élargie en Irak\n\n"
        "L'Otan a décidé jeudi d'élargir sa mission. Elle passera à 4.000 militaires.\n\n"
        '"L\'objectif de l\'Otan est de s\'assurer que l\'Afghanistan ne redevienne pas un refuge."\n'
        "Jens Stoltenberg\n"
        "Secrétaire général de l'Otan\n\n"
        "4.000\nmilitaires\nLa taille de la mission passera de 500 à 4.000 militaires.\n\n"
        "« C'est une décision historique. »\n\n"
        "\"À ce stade, rien n'est décidé\", a déclaré M. Stoltenberg.\n\n"
        "Horizon 2030\n\n\n\n"
        "Pourquoi partir ?"
    )
    blocks = split_paragraphs(text)
    assert [b.kind for b in blocks] == [
        "heading",
        "paragraph",
        "quote",
        "line",
        "quote",
        "paragraph",
        "heading",
        "paragraph",
    ]
    assert [b.index for b in blocks] == list(range(8))
    assert blocks[2].lines == (
        '"L\'objectif de l\'Otan est de s\'assurer que l\'Afghanistan ne redevienne pas un refuge."',
        "Jens Stoltenberg",
        "Secrétaire général de l'Otan",
    )
    assert blocks[3].lines[:2] == ("4.000", "militaires")
    assert blocks[3].text.startswith("4.000\nmilitaires\n")


def test_heading_heuristics() -> None:
    kinds = {b.text: b.kind for b in split_paragraphs(
        "Horizon 2030\n\nUne phrase. Et une autre\n\nun titre en minuscules\n\n2030\n\n" + "Très long " * 20
    )}
    assert kinds["Horizon 2030"] == "heading"
    assert kinds["Une phrase. Et une autre"] == "paragraph"
    assert kinds["un titre en minuscules"] == "paragraph"
    assert kinds["2030"] == "paragraph"
    assert kinds[("Très long " * 20).strip()] == "paragraph"


def test_quote_kind_needs_a_single_quotation() -> None:
    [block] = split_paragraphs('"Niais", "franc-maçon"... Des cadres fichés disent "non"')
    assert block.kind == "paragraph"


def test_split_paragraphs_ignores_blank_and_whitespace_lines() -> None:
    assert split_paragraphs("\n \n\t\n") == []
    assert split_paragraphs("  Un  \n  \n deux ") == [Block(0, ("Un",), "heading"), Block(1, ("deux",), "paragraph")]


def test_number_sentences_indexes_every_line() -> None:
    text = (
        "Titre de l'article\n\n"
        "Première phrase. Deuxième phrase.\n\n"
        '"Une citation."\nJens Stoltenberg\n\n'
        "4.000\nmilitaires"
    )
    sentences = number_sentences(text)
    assert [s.index for s in sentences] == list(range(len(sentences)))
    assert [(s.paragraph, s.line, s.text) for s in sentences] == [
        (0, 0, "Titre de l'article"),
        (1, 0, "Première phrase."),
        (1, 0, "Deuxième phrase."),
        (2, 0, '"Une citation."'),
        (2, 1, "Jens Stoltenberg"),
        (3, 0, "4.000"),
        (3, 1, "militaires"),
    ]
    assert sentences[1] == Sentence(1, 1, "Première phrase.", 0)


def test_orangesum_articles_split_plausibly() -> None:
    from pathlib import Path

    folder = Path("/work/shared/data/orangesum-sample/articles")
    files = sorted(folder.glob("*.txt"))
    if not files:
        pytest.skip("orangesum sample not available")
    for path in files:
        for sentence in split_sentences(path.read_text(encoding="utf-8")):
            assert not sentence.endswith((" M.", " MM.", " Mme.", " Dr.")), sentence
            assert sentence == sentence.strip()
