"""Is an English actor ("NATO", "the Senate", "a city council") named in the French text around
its evidence? Checked in code, because small models name the person quoted ("Jens Stoltenberg")
or a body the article never mentions.

Words compare accent- and case-folded, by their first four letters (Malta ~ Malte, prefect ~
préfet), through the glossary (NATO ~ Otan) and through `actor_words` in prompts/brief.toml
(government ~ gouvernement/exécutif, court ~ tribunal/cour/juge).
"""

from __future__ import annotations

import os
import re
import unicodedata
from functools import cache

from .glossary import Glossary

_WORD = re.compile(r"[^\W\d_]+")
#: Words of an English actor that name nothing by themselves.
_GENERIC = frozenset(
    "the a an of and for in on at to its his her their french national local public s "
    "new former general office city's government's".split()
)


def _unaccented(text: str) -> str:
    """`text` without its accents, case kept ("Égypte" → "Egypte")."""
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Lower case without accents: how actor words and French text are compared."""
    return _unaccented(text.lower())


def actor_named(actor: str, french: str, glossary: Glossary, actor_words: dict[str, list[str]]) -> bool:
    """Whether a significant word of `actor` (or its French equivalent) occurs in `french`. An actor
    with words that name a kind of body (`actor_words`: police, court, government) must have one of
    those named: "the Paris police" is not named by a sentence about the Paris prosecutor's office."""
    text = fold(french)
    words = set(_WORD.findall(text))
    stems = {w[:4] for w in words if len(w) >= 4}

    def named(word: str) -> bool:
        return (word in words or (len(word) >= 4 and word[:4] in stems)
                or any(fold(f) in text for f in actor_words.get(word, []))
                or any(fold(fr) in text for fr, en in glossary.terms.items() if word in _WORD.findall(fold(en))))

    significant = [w for w in _WORD.findall(fold(actor)) if w not in _GENERIC and len(w) >= 2]
    body = [w for w in significant if w in actor_words]
    return any(named(w) for w in body or significant)


#: A person's name opening an actor: two or three capitalised words ("Jens Stoltenberg, …").
_NAME = re.compile(r"^(?:[A-ZÀ-Ý][\w'’-]+\s+){1,2}[A-ZÀ-Ý][\w'’-]+")


def is_person(actor: str, actor_words: dict[str, list[str]]) -> bool:
    """Whether `actor` starts with a person's name rather than a body ("the Senate", "NATO", "Malta",
    "Prime Minister" and "National Assembly" are capitalised too, but hold a body word or are one word)."""
    name = _NAME.match(re.sub(r"^(?:the|an?)\s+", "", actor.strip(), flags=re.IGNORECASE))
    return name is not None and not any(w in actor_words for w in _WORD.findall(fold(name.group(0))))


_FRENCH_OF = re.compile(r"(?<=\w )(?:de|d['’])(?=\s?\w)")
_OPENING_ARTICLE = re.compile(r"^(?:(?:les|le|la)\s+|l['’])", re.IGNORECASE)


#: A place's name joined by hyphens ("Seine-et-Marne", "Aix-en-Provence"): English keeps it whole.
_HYPHENATED_NAME = re.compile(r"(?<![\w-])[A-ZÀ-Ý][\w'’]*(?:-[\w'’]+)+")


def french_in_actor(actor: str, source: str, actor_words: dict[str, list[str]]) -> list[str]:
    """French left in an English actor ("Le Senate", "ministre", "Ministre du travail"): an opening
    French article, a "de" between words, French function words or accented words of the source (`french_words`), and
    words that `actor_words` lists as the French for an English body word (ministre, procureur). A
    hyphenated name's parts are not ("the UDI MP for Seine-et-Marne")."""
    from .leftovers import french_words

    actor = _HYPHENATED_NAME.sub("Name", actor)
    found = [m.group(0).strip(" '’") for m in [_OPENING_ARTICLE.match(actor)] if m]
    found += french_words(actor.lower(), source)
    found += _FRENCH_OF.findall(actor)  # "Centre de commandement": English names say "of"
    french = {fold(f) for names in actor_words.values() for f in names} - set(actor_words)
    found += [w for w in _WORD.findall(actor) if fold(w) in french]
    return list(dict.fromkeys(w.lower() for w in found))


@cache
def _territories() -> dict[str, tuple[str, str]]:
    """CLDR territory code → (French name, English name): "ES" → ("Espagne", "Spain")."""
    from babel import Locale

    fr, en = Locale("fr"), Locale("en")
    return {code: (name, en.territories[code]) for code, name in fr.territories.items() if code in en.territories}


@cache
def _countries() -> dict[str, str]:
    """Folded French territory name → English name, where the two differ (Malte → Malta)."""
    return {fold(name): english for name, english in _territories().values() if fold(name) != fold(english)}


def english_country(actor: str) -> str | None:
    """The English name of an actor that is a country named in French ("Malte", "l'Allemagne"), else None."""
    return _countries().get(fold(_OPENING_ARTICLE.sub("", actor.strip())))


@cache
def _french_country_names() -> re.Pattern[str]:
    """A pattern of the French country names (as CLDR writes them, and without accents) whose English
    differs (`_countries`), longest first. Not a form English writes as a word of its own ("Chili",
    "Grenade", "Suede"; "Suède" is Sweden); a name followed by a capitalised word is a person's
    ("Dominique Strauss-Kahn"), not a country."""
    from .leftovers import an_english_word

    names = {form for code, (name, _) in _territories().items() if code.isalpha() and fold(name) in _countries()
             for form in (name, _unaccented(name)) if form != _unaccented(form) or not an_english_word(fold(form))}
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])(?!\s+[A-ZÀ-Ý])")


def english_country_names(text: str) -> str:
    """`text` (English) with the countries it names in French put into English ("Danemark's government"
    → "Denmark's government", "the government of Espagne" → "the government of Spain")."""
    return _french_country_names().sub(lambda m: _countries()[fold(m.group(0))], text)


def french_body(actor: str, bodies: dict[str, str]) -> str | None:
    """The English name of an actor that is a body named in French as `bodies` lists it ("Assemblée",
    "le Sénat", "conseil municipal"), else None."""
    bare = {fold(_OPENING_ARTICLE.sub("", french)): english for french, english in bodies.items()}
    return bare.get(fold(_OPENING_ARTICLE.sub("", actor.strip())))


def another_assembly(french: str, english: str, bodies: dict[str, str]) -> str | None:
    """The assembly of `bodies` that an actor's English names but its French does not (the 1.5B model
    put "Assemblée générale (AG) de Nanterre", a students' meeting, as "National Assembly (AG) of
    Nanterre"), else None."""
    plain, named = _plain(french), fold(english)
    for body in dict.fromkeys(bodies.values()):
        core = fold(body).removeprefix("the ")
        if core in named and not any(re.search(rf"\b{re.escape(_plain(f))}", plain)
                                     for f, e in bodies.items() if e == body):
            return body
    return None


def _plain(french: str) -> str:
    """`fold`ed, with typographic apostrophes made plain: how the wording rules below read French."""
    return fold(french).replace("’", "'")


#: What introduces the medium a statement was made on ("a déclaré mardi sur LCI", "au micro de France
#: Inter", "dans une interview au Monde"): a channel or paper named there carried the statement, it did
#: not take the decision. A bare "sur" is not enough ("un accord sur l'Iran").
_MEDIUM = re.compile(
    r"(?:\b(?:dit|declare|affirme|annonce|explique|estime|indique|assure|reagi|confie|precise|souligne|"
    r"reconnu|ajoute|lance|martele|defendu|critique)e?s?(?:\s+[\w-]+){0,3}\s+sur"
    r"|\bau micro d[eu']|\ba l'antenne d[eu']|\bdans les colonnes d[eu']|\binterviewee? par|\binterrogee? par"
    r"|\binvitee? d[eu']|\bdans une interview a(?:u|ux)?|\bdans un entretien a(?:u|ux)?)"
    r"\s*(?:l[ae]\s+|l'|les\s+)?$")


def only_a_medium(actor: str, french: str) -> bool:
    """Whether every place the French text names `actor` ("LCI") is where a statement was made ("a
    déclaré sur LCI"), so the actor is the medium, not who decided. An actor not named at all is not."""
    text = _plain(french)
    words = [w for w in _WORD.findall(fold(actor)) if w not in _GENERIC and len(w) >= 3 and w not in ("les", "des")]
    # where the actor's first word occurs: the actor's name starts there
    found = [m.start() for m in re.finditer(rf"\b{re.escape(words[0])}\b", text)] if words else []
    return bool(found) and all(_MEDIUM.search(text[max(0, i - 40):i]) for i in found)


def voting_body(sentence: str, vote_cues: list[str], bodies: dict[str, str]) -> str | None:
    """The English name of the one assembly a sentence reports voting ("Les députés ont approuvé … par
    338 voix contre 215" → the National Assembly), else None: a vote is decided by who votes, not by
    the minister who spoke or the government that asked. `bodies`: folded French words → English."""
    text = _plain(sentence)
    if not any(fold(cue) in text for cue in vote_cues):
        return None
    spans = [(m.start(), m.end(), english) for french, english in bodies.items()
             for m in re.finditer(rf"\b{re.escape(fold(french))}", text)]
    # "députés européens" names the European Parliament, not the "députés" of the National Assembly
    named = {e for s, t, e in spans if not any(s2 <= s and t <= t2 and t2 - s2 > t - s for s2, t2, _ in spans)}
    return named.pop() if len(named) == 1 else None


#: A nationality after an office ("premier ministre maltais", "ministre allemand"): another country's
#: office, which "the government" alone would misname.
_DEMONYM = re.compile(r"\s+(\w+(?:ais|aise|ain|aine|ien|ienne|and|ande|ois|oise|ol|ole|que|ec|eque|in|ine))\b")


@cache
def _french_countries() -> dict[str, str]:
    """French country name → English name, countries only (CLDR's two-letter codes): "Espagne" → "Spain"."""
    return {name: english for code, (name, english) in _territories().items() if len(code) == 2 and code.isalpha()}


def demonym_country(demonym: str) -> str | None:
    """The English name of the country a French nationality adjective names, by the longest shared
    start of at least four letters, when one country has it ("maltais" → Malta, "portugais" → Portugal,
    not Puerto Rico), else None ("américain": no country is spelt so in French)."""
    word = fold(demonym)
    shared = {english: n for name, english in _french_countries().items()
              if (n := len(os.path.commonprefix([word, fold(name)]))) >= 4}
    best = [c for c, n in shared.items() if n == max(shared.values(), default=0)]
    return best[0] if len(best) == 1 else None


def countries_named(sentence: str) -> set[str]:
    """English names of the countries a French sentence names ("en Espagne", "Italie:"), matched as
    written (capitalised), so "réunion" is a meeting, not the island."""
    return {english for name, english in _french_countries().items()
            if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", sentence)}


def office_body(person: str, sentences: list[str], offices: dict[str, str]) -> str | None:
    """The body a person named as an actor acts for, from the office the article gives them next to
    their name ("le Premier ministre Edouard Philippe", "Muriel Pénicaud, ministre du Travail" → the
    government), else None. `offices`: French office words → English body; exactly one must occur
    within a few words of a mention of the person's surname. Another country's office says whose:
    by a nationality ("le ministre italien" → the government of Italy), else by the one country the
    mention's sentence names before it, or if none the sentence before ("… en Espagne, a annoncé le
    Premier ministre Pedro Sanchez" → the government of Spain); none named, the body alone."""
    bare = person.strip()
    if _NAME.fullmatch(bare) is None:  # "Joseph Muscat, the Prime Minister of Malta" says whose office it is
        return None
    surname = fold(bare.split()[-1])
    for i, sentence in enumerate(sentences):
        text = _plain(sentence)
        for mention in re.finditer(rf"\b{re.escape(surname)}\b", text):
            around = text[max(0, mention.start() - 50):mention.end() + 40]
            found = set()
            for office, english in offices.items():
                for m in re.finditer(rf"\b{re.escape(fold(office))}\b", around):
                    nationality = _DEMONYM.match(around, m.end())
                    country = demonym_country(nationality.group(1)) if nationality else None
                    if not nationality or country:
                        found.add((english, country))
            if len(found) != 1:
                continue
            body, country = found.pop()
            if country is None:  # named before the mention (folding keeps French lengths): "…, comme en Allemagne" is not whose
                named = countries_named(sentence[:mention.start()]) or (countries_named(sentences[i - 1]) if i else set())
                country = named.pop() if len(named) == 1 else None
            return body if country is None else f"{body} of {country}"
    return None


def office_actor(actor: str, offices: dict[str, str]) -> str | None:
    """The body an actor that is an office, not a body, acts for ("Prime Minister", "the French Minister
    of Health" → "the government (French Minister of Health)"), with the office kept to say whose;
    else None. `offices`: English office words (a singular, lower case) → body."""
    bare = re.sub(r"^the\s+", "", actor.strip(), flags=re.IGNORECASE)
    found = {body for office, body in offices.items() if re.search(rf"\b{re.escape(office)}\b", bare, re.IGNORECASE)}
    if len(found) != 1 or any(fold(b.removeprefix("the ")) in fold(bare) for b in found):
        return None
    return f"{found.pop()} ({bare})"


def management_body(actor: str, sentence: str, names: list[str], words: list[str]) -> str | None:
    """The organisation whose management an actor that is only "the direction" or "management" (a
    calque of "la direction", a company's management; `words`, folded) is: of the proper names of the
    French evidence sentence (`names`, in order), the one named after "direction de", else the first
    ("Le trafic RATP sera perturbé, a annoncé la direction" → "RATP (management)"); None for any other
    actor or a sentence that names none."""
    if fold(re.sub(r"^the\s+", "", actor.strip(), flags=re.IGNORECASE)) not in words:
        return None
    owner = re.search(r"\bdirection\s+(?:de\s+la\s+|de\s+l['’]|du\s+|des\s+|de\s+|d['’])([^\W\d_][\w'’-]*)", sentence)
    if owner and (named := [n for n in names if n.startswith(owner.group(1))]):
        return f"{named[0]} (management)"
    return f"{names[0]} (management)" if names else None
