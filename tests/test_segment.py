import re
from pathlib import Path

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
        # Glued-sentence rules must leave these alone.
        "M.Dupont, Mme.Martin, Dr.House et St.Louis sont venus.",
        "J.-M. Blanquer, alias J.-M.Blanquer, est là.",
        "Les U.S.A. et la U.S.Army, N.B. la C.G.T. aussi.",
        "Le pays compte 4.500.000 cas, soit 1,43 % et 3.500 morts.",
        "Voir www.lemonde.fr, Orange.fr ou franceinfo.fr pour suivre.",
        "Voir https://www.site.fr/Article.Html?Id=3 ou https://site.fr/?Page=2 pour suivre.",
        "Écrivez à Jean.Dupont@Orange.fr pour en savoir plus.",
        "Rendez-vous à 19H00 GMT ou à 20h30 le 1er mai.",
        "McDonald's, l'iPhone et la PlayStation sont des marques de l'ONU.",
        "Il parle de l'«État» et de l'\"Europe\" sans cesse.",
        "Le trajet Paris -Lyon est rouvert, dit-il -Non.",
        ".Les chapeaux XXL suivent le sillage.",
        "Il a un Ph.D en physique et travaille chez E.Leclerc à Paris.",
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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A period glued to the next sentence (real scraped text).
        ("pour ce médicament.En attendant une décision, rien.", ["pour ce médicament.", "En attendant une décision, rien."]),
        ("selon l'AFP vendredi à 19H00 GMT.Plus de 4.500.000 cas", ["selon l'AFP vendredi à 19H00 GMT.", "Plus de 4.500.000 cas"]),
        ("a précisé l'UGA.Un policier a été blessé.", ["a précisé l'UGA.", "Un policier a été blessé."]),
        ("des transports londoniens.A Paris, le trafic reprend.", ["des transports londoniens.", "A Paris, le trafic reprend."]),
        ("1,3 milliard d'euros par an.4.Les heures supplémentaires", ["1,3 milliard d'euros par an.", "4.Les heures supplémentaires"]),
        # "M." before a name glued to the end of a sentence starts the next one, and stays with its name.
        ("selon un reporter sur place.M. Drareni est jugé.", ["selon un reporter sur place.", "M. Drareni est jugé."]),
        ("Les avocats ont parlé.MM. Benlarbi et Hamitouche", ["Les avocats ont parlé.", "MM. Benlarbi et Hamitouche"]),
        ("Selon J.M. Le Pen, rien.", ["Selon J.M. Le Pen, rien."]),
        # Closing quote or terminal punctuation glued to the next sentence.
        ("« Je pars »Le lendemain, il part.", ["« Je pars »", "Le lendemain, il part."]),
        ('Il a dit "non".Le lendemain, il part.', ['Il a dit "non".', "Le lendemain, il part."]),
        ("Il part !Le lendemain, rien.", ["Il part !", "Le lendemain, rien."]),
        ("Qui part ?Le lendemain, rien.", ["Qui part ?", "Le lendemain, rien."]),
        ("Il hésite…Le lendemain, rien.", ["Il hésite…", "Le lendemain, rien."]),
        ('"Formidable", a-t-il affirmé.De son côté, la Chine', ['"Formidable", a-t-il affirmé.', "De son côté, la Chine"]),
        # A straight quote glued to a capital: after it when it closes, before it when it opens.
        ('Il dit : "C\'est fini."Le lendemain, il part.', ['Il dit : "C\'est fini."', "Le lendemain, il part."]),
        ('de la commune."Bonne nouvelle", dit-il.', ["de la commune.", '"Bonne nouvelle", dit-il.']),
        ('"Ce n\'est pas la norme"Samedi, il a parlé.', ['"Ce n\'est pas la norme"', "Samedi, il a parlé."]),
        ('Va-t-il durer ?par franceinfo"Nous irons au bout", dit-il.', ["Va-t-il durer ?par franceinfo", '"Nous irons au bout", dit-il.']),
        # AFP live-blog headings: ".- Titre", "- Titre -Texte", a heading glued to "L'…".
        ("et l'Espagne (27.459).- Maladie de KawasakiL'OMS a parlé.", ["et l'Espagne (27.459).", "- Maladie de Kawasaki", "L'OMS a parlé."]),
        ("Fin du point. - Malaises simulés -Lors d'un entretien, rien.", ["Fin du point.", "- Malaises simulés -", "Lors d'un entretien, rien."]),
        ('à Jérusalem.- "Chaos" -"Hong Kong ne peut pas", dit-il.', ["à Jérusalem.", '- "Chaos" -', '"Hong Kong ne peut pas", dit-il.']),
        # A scraped script after a sentence is not part of it.
        ("Le masque sera obligatoire. window.pvp_2a0d = new Pvp('x', {})", ["Le masque sera obligatoire.", "window.pvp_2a0d = new Pvp('x', {})"]),
    ],
)
def test_glued_sentences_are_split(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


#: Real scraped excerpts (OrangeSum, CC BY-SA 4.0) where sentences are glued together.
REAL_GLUED = {
    "10886": (
        "Suivent le Royaume-Uni (33.998 morts), l'Italie (31.610), la France (27.529) et l'Espagne (27.459)."
        "- Maladie de KawasakiL'OMS a indiqué étudier un possible lien entre la maladie de Covid-19 et la "
        "maladie de Kawasaki, un syndrome inflammatoire touchant les enfants et dont une forme proche a fait "
        "un premier mort en France.- VaccinsLe président américain, Donald Trump, a déclaré espérer un vaccin "
        "d'ici la fin de l'année, \"peut-être avant\". Mais il a un peu plus tard nuancé son optimisme. \"Un "
        "vaccin serait formidable\", a-t-il affirmé.De son côté, la Chine compte cinq vaccins expérimentaux "
        "anti-Covid-19 actuellement testés sur l'homme, et peut-être bientôt davantage.- Fitch abaisse la note "
        "de la FranceL'agence de notation Fitch a abaissé vendredi de stable à négative la perspective de la France."
    ),
    "11869": (
        "\"Les plages de @VilleLaBaule et de @pornichet44 autorisées à rouvrir dès (mercredi) de 8h à 21h. "
        "Baignade et pêche autorisées\", a annoncé le préfet de Loire-Atlantique mardi soir sur Twitter.\"Toute "
        "présence statique, assise ou allongée, est interdite\" sur ces plages \"ainsi que la pratique du "
        "pique-nique\", précise toutefois le préfet dans un arrêté daté du 12 mai.Comme ailleurs, seules la "
        "promenade, la baignade, la pratique sportive individuelle et la pêche à pied sont autorisées."
    ),
    "19278": (  # an unbalanced quote ("…grève') must not flip the quotes that follow
        "Vous connaissez cette phrase, \"il faut savoir terminer une grève', on n'en est pas loin\", a t-il "
        "poursuivi.\"Ce compromis, ce n'est pas la norme dans l'histoire sociale française\"Samedi 11 janvier, "
        "le Premier ministre a retiré provisoirement la mesure de l'âge pivot fixé à 64 ans."
    ),
}


@pytest.mark.parametrize(("text", "expected"), [
    ("La décision est reportéLa grève continue.", ["La décision est reporté", "La grève continue."]),
    ("Les partiels seront bloqués à ArcueilÀ Nanterre, ils votent.", ["Les partiels seront bloqués à Arcueil",
                                                                     "À Nanterre, ils votent."]),
    ("Lors de son auditionSelon le journal, il a tort.", ["Lors de son audition", "Selon le journal, il a tort."]),
    # a heading that ends on a year (14290: "La crise la plus importante depuis 1997La fermeture…")
    ("La crise la plus grave depuis 1997La fermeture a été annoncée.", ["La crise la plus grave depuis 1997",
                                                                      "La fermeture a été annoncée."]),
    ("Le réseau 4G et la M6 restent.", ["Le réseau 4G et la M6 restent."]),
    # camel-case names: no space after the capitalised part
    ("La VilleLaBaule, StopCovid et YouTube restent.", ["La VilleLaBaule, StopCovid et YouTube restent."]),
    ("Le PenelopeGate a éclaté, dit le DrLe.", ["Le PenelopeGate a éclaté, dit le DrLe."]),
])
def test_a_heading_glued_to_a_sentence_opener_is_split_off(text, expected) -> None:
    assert split_sentences(text) == expected


def test_real_glued_excerpts() -> None:
    assert split_sentences(REAL_GLUED["10886"]) == [
        "Suivent le Royaume-Uni (33.998 morts), l'Italie (31.610), la France (27.529) et l'Espagne (27.459).",
        "- Maladie de Kawasaki",
        "L'OMS a indiqué étudier un possible lien entre la maladie de Covid-19 et la maladie de Kawasaki, un "
        "syndrome inflammatoire touchant les enfants et dont une forme proche a fait un premier mort en France.",
        "- Vaccins",  # a heading glued to a sentence opener ("VaccinsLe président")
        "Le président américain, Donald Trump, a déclaré espérer un vaccin d'ici la fin de l'année, "
        '"peut-être avant".',
        "Mais il a un peu plus tard nuancé son optimisme.",
        '"Un vaccin serait formidable", a-t-il affirmé.',
        "De son côté, la Chine compte cinq vaccins expérimentaux anti-Covid-19 actuellement testés sur "
        "l'homme, et peut-être bientôt davantage.",
        "- Fitch abaisse la note de la France",
        "L'agence de notation Fitch a abaissé vendredi de stable à négative la perspective de la France.",
    ]
    starts = [s[:12] for s in split_sentences(REAL_GLUED["11869"])]
    assert starts == ['"Les plages ', "Baignade et ", '"Toute prése', "Comme ailleu"]
    assert split_sentences(REAL_GLUED["19278"])[1:] == [
        "\"Ce compromis, ce n'est pas la norme dans l'histoire sociale française\"",
        "Samedi 11 janvier, le Premier ministre a retiré provisoirement la mesure de l'âge pivot fixé à 64 ans.",
    ]


def _assert_evidence_sentences(text: str, max_chars: int = 600) -> None:
    """No sentence swallows its neighbours, nothing but whitespace is lost, and the
    numbered sentences a brief cites are exactly the split sentences."""
    sentences = split_sentences(text)
    assert max(map(len, sentences)) <= max_chars
    assert re.sub(r"\s", "", "".join(sentences)) == re.sub(r"\s", "", text)
    assert [s.text for s in number_sentences(text)] == sentences


@pytest.mark.parametrize("name", sorted(REAL_GLUED))
def test_real_glued_excerpts_give_evidence_sentences(name: str) -> None:
    _assert_evidence_sentences(REAL_GLUED[name], max_chars=300)


def test_orangesum_decisions_give_evidence_sentences() -> None:
    files = sorted(Path("/work/shared/data/orangesum-decisions/articles").glob("*.txt"))
    if not files:
        pytest.skip("orangesum-decisions not available")
    for path in files:  # the longest real sentence there (1447.txt) has 593 characters
        _assert_evidence_sentences(path.read_text(encoding="utf-8"))


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


def test_number_sentences_matches_split_sentences_on_glued_text() -> None:
    doc = "Titre\n\n" + REAL_GLUED["10886"] + "\n\n" + REAL_GLUED["19278"] + '\n"Une citation."Fin.'
    sentences = number_sentences(doc)
    assert [s.text for s in sentences] == split_sentences(doc)
    assert [s.index for s in sentences] == list(range(len(sentences)))
    blocks = split_paragraphs(doc)
    assert all(s.text in blocks[s.paragraph].lines[s.line] for s in sentences)
    assert [(s.paragraph, s.line) for s in sentences[-2:]] == [(2, 1), (2, 1)]


def test_orangesum_articles_split_plausibly() -> None:
    folder = Path("/work/shared/data/orangesum-sample/articles")
    files = sorted(folder.glob("*.txt"))
    if not files:
        pytest.skip("orangesum sample not available")
    for path in files:
        for sentence in split_sentences(path.read_text(encoding="utf-8")):
            assert not sentence.endswith((" M.", " MM.", " Mme.", " Dr.")), sentence
            assert sentence == sentence.strip()
