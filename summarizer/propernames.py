"""Proper names (people, organisations, products, places) that must survive translation and brief.

Small models replace a name they do not know by one they invent (a medicine's brand name came
out as another, five times). Names are found in the French by their capitals, in code:

* a capitalised word that is not the first of its sentence (after `l'`/`d'` counts as inside);
  neighbouring capitalised words and the particles between them (`Charles de Gaulle`) make one name;
* a sentence's first word only when it is shaped like a name (`OTAN`, `McDonald's`, `Saint-Denis`,
  `Covid-19`) or the text capitalises it elsewhere too and never writes it in lower case;
* never a title (`M.`, `Mme`: the abbreviations the sentence splitter knows), a month or a day,
  nor a common noun that French capitalises in institutions and events and that English
  translates into an unrelated word (`État`, `Santé`, `Conseil`, `Nord`: `COMMON_CAPITALISED`).

`missing_names` finds the names an English translation lost: words compare without accents or
case, allowing the small spelling changes of a translation (`Irak` ~ Iraq, `Américains` ~
Americans) and the English names that CLDR (through Babel) gives to countries, languages and
cities (`Allemagne` ~ Germany, `Londres` ~ London); a name the glossary maps must appear in its
English form (`Otan` → NATO). `unknown_names` goes the other way, for text the model writes
freely (a summary): capitalised English words that are neither in the source nor common English.
bench/names.py measures both on real text (bench/RESULTS.md).
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import cache

from .actors import fold
from .glossary import Glossary
from .numbers import FRENCH_MONTHS, FRENCH_WEEKDAYS
from .segment import NON_FINAL_ABBREVIATIONS, split_sentences

#: French common nouns that French capitalises inside names of institutions, places and events
#: ("l'État", "ministre de la Santé", "Conseil d'État", "Corée du Nord", "Seconde Guerre mondiale")
#: and that English translates into an unrelated word, and titles ("le Président", "le Secrétaire
#: général"). Cognates ("Parlement", "République") need no entry: they are near their English form.
COMMON_CAPITALISED = frozenset(
    """état etat santé travail armées logement banque caisse conseil comptes église eglise nord sud
    est ouest guerre mondiale seconde première premier grand grande haute haut ville rassemblement
    jeux coupe prix noël pâques toussaint nouvel vieux maison mer blanche noire rouge
    fonction sécurité sociale cour chambre hôtel lycée collège école garde sceaux outre porte
    président présidente secrétaire ministre directeur directrice général générale procureur
    préfet préfète maire sénateur député juge chancelier roi reine prince princesse pape
    docteur professeur commissaire pdg terre soleil lune dieu web états etats armée paix
    antiquité moyen âge voie casques formule couronne morts trois ancien ancienne royaume royaumes
    empire cap croisés juifs juif juive occident occidentaux orient""".split()
)
#: English words that a summary or a decision capitalises without naming anything the article must
#: name: titles, institutions and the words of their names (a translation of "ministre de la
#: Santé" is "Minister of Health"), compass points, and function words ("by The Senate").
ENGLISH_COMMON = frozenset(
    """a an the this that these those it its he she they we i you our their his her some others other
    all both each many most several no not and but or if as at by for from in into of on to with
    after before during since until while when where who what which however meanwhile according also
    although though because despite following under over against among between about then there
    here now yet so instead once
    am pm mr mrs ms dr sir lady lord st prime minister ministers ministry secretary general president
    vice deputy deputies mayor prefect chancellor king queen prince princess senator senators judge
    speaker chief head director spokesman spokeswoman spokesperson government parliament senate
    assembly council court courts department office agency committee commission party union house
    state states republic kingdom national federal supreme constitutional administrative criminal
    appeal appeals police army navy prosecutor prosecutors prosecution authority authorities academy
    museum university school hospital bank church foundation institute association federation league
    board bureau centre center north south east west northern southern eastern western central middle
    upper lower united new great old high island islands river sea ocean city region province county
    district labor labour health education justice interior defence defense foreign affairs finance
    finances economy culture environment transport work working social security public digital armed
    forces world war earth sun moon god one two three four five six seven eight nine ten first
    second third fourth fifth sixth seventh eighth ninth tenth""".split()
)
#: Words of an institution's name: such a name in English is a translation of the French one.
_INSTITUTIONS = frozenset(
    """agency department ministry office council committee commission court institute association
    federation league board bureau centre center academy museum university school hospital bank
    foundation party union authority""".split()
)
#: Lower-case words inside an English name ("Ministry of Labour", "Agency for the Improvement").
_CONNECTORS = frozenset("of for the and".split())
#: Lower-case words that join the capitalised words of one name (Charles de Gaulle, Tour de France).
_PARTICLES = frozenset("de du des la le les von van der den di da del y".split())

_TOKEN = re.compile(r"[^\W_][\w'’-]*")
_ELISION = re.compile(r"^(?:[ldjmnst]|qu|jusqu|lorsqu|puisqu|quoiqu)['’](?=\w)", re.IGNORECASE)
_PARTS = re.compile(r"[^\W\d_]+")
#: Dots inside an English abbreviation (U.N., U.S.A.), removed so that it reads as one word.
_ABBREVIATION_DOT = re.compile(r"(?<=\b[A-Z])\.(?=[A-Z]\b)")
_OPENERS = "«“\"‘([—–-:"
_DATES = frozenset(w.lower() for w in (*FRENCH_MONTHS, *FRENCH_WEEKDAYS))
_ENGLISH_DATES = frozenset(w.lower() for w in (*FRENCH_MONTHS.values(), *FRENCH_WEEKDAYS.values()))
#: A century or a ruler's number in Roman figures with a French ordinal ending (XVe, XIe siècle).
_ROMAN_ORDINAL = re.compile(r"[IVXLC]+(?:e|er|ème)s?")


def _words(text: str) -> list[str]:
    """The folded words of a text (`Saint-Denis` → saint, denis)."""
    return _PARTS.findall(fold(text))


def _capitalised(word: str) -> bool:
    return word[:1].isupper()


def _name_shaped(word: str) -> bool:
    """Capitals a sentence start does not explain: OTAN, McDonald's, iPhone, Saint-Denis, Covid-19."""
    letters = [c for c in word if c.isalpha()]
    if len(letters) >= 2 and all(c.isupper() for c in letters):
        return True
    if any(c.isupper() for c in word[1:]) and any(c.islower() for c in word):
        return True
    return any(c.isdigit() for c in word) and _capitalised(word)


def _excluded(word: str) -> bool:
    """Initials, titles, dates, Roman ordinals and common nouns (`Sud-Ouest`, `Outre-mer`: every
    part one)."""
    if len(word) < 2 or word in NON_FINAL_ABBREVIATIONS or word.lower() in _DATES or _ROMAN_ORDINAL.fullmatch(word):
        return True
    return all(p.islower() or p.lower() in COMMON_CAPITALISED for p in word.split("-"))


def _tokens(sentence: str) -> list[tuple[str, bool, bool]]:
    """(word, starts the sentence or a quotation, joined to the previous word by a space alone)
    for each word. An elided article is dropped (what follows it counts as inside the sentence:
    `L'Otan`) and starts a new name, except `d'` (`Côte d'Ivoire`)."""
    out = []
    end = 0
    for match in _TOKEN.finditer(sentence):
        word = match.group(0).rstrip("'’-")
        before = sentence[: match.start()].rstrip()
        initial = not any(c.isalpha() for c in before) or before[-1:] in _OPENERS  # after "3." too
        joined = end > 0 and not sentence[end : match.start()].strip()
        end = match.start() + len(word)
        elided = _ELISION.match(word)
        if elided:
            joined = joined and elided.group(0)[0] in "dD" and len(elided.group(0)) == 2
            word, initial = word[elided.end():], False
        out.append((word, initial, joined))
    return out


def proper_names(french: str) -> list[str]:
    """The proper names of a French text, in order of first appearance, each once."""
    sentences = [_tokens(s) for s in split_sentences(french)]
    inside = {w for tokens in sentences for w, initial, _ in tokens if not initial and _capitalised(w)}
    lower = {w for tokens in sentences for w, _, _ in tokens if w.islower()}

    def is_name(word: str, initial: bool) -> bool:
        if not (_capitalised(word) or _name_shaped(word)) or _excluded(word):
            return False
        return not initial or _name_shaped(word) or (word in inside and word.lower() not in lower)

    names: list[str] = []
    for tokens in sentences:
        run: list[str] = []
        pending: list[str] = []  # particles after the run's last word, kept if a name word follows
        for word, initial, joined in [*tokens, ("", True, False)]:
            if word and joined and is_name(word, initial):
                run, pending = [*run, *pending, word], []
            elif run and joined and word in _PARTICLES:
                pending.append(word)
            else:
                if run and " ".join(run) not in names:
                    names.append(" ".join(run))
                run, pending = ([word] if word and is_name(word, initial) else []), []
    return names


@cache
def _english_places() -> list[str]:
    """The folded English names of CLDR's countries, languages and cities that are not the same
    in French, longest first (so that "united kingdom" is found before "kingdom")."""
    names = {f for forms in _exonyms().values() for f in forms} - ENGLISH_COMMON  # not "world"
    return sorted(names, key=len, reverse=True)


@cache
def _exonyms() -> dict[str, set[str]]:
    """Folded French name → folded English names, from CLDR: countries, languages (which are
    also the adjectives of nationality: allemand ~ German) and the cities of time zones."""
    from babel import Locale

    fr, en = Locale("fr"), Locale("en")
    pairs = [(fr.territories[k], en.territories[k]) for k in fr.territories if k in en.territories]
    pairs += [(fr.languages[k], en.languages[k]) for k in fr.languages if k in en.languages]
    for zone, names in fr.time_zones.items():
        if "city" in names:  # English keeps the zone's own spelling unless CLDR gives another
            pairs.append((names["city"], en.time_zones.get(zone, {}).get("city") or zone.rsplit("/", 1)[-1].replace("_", " ")))
    table: dict[str, set[str]] = {}
    for french, english in pairs:
        if fold(french) != fold(english):
            table.setdefault(" ".join(_words(french)), set()).add(" ".join(_words(english)))
    return table


def _sound(word: str) -> str:
    """A word's first sound, as spellings of one name share it (Corée ~ Korea, Philippin ~ Filipino)."""
    return "f" if word.startswith("ph") else word[0].replace("k", "c")


def _near(word: str, other: str) -> bool:
    """Whether two folded words are one name spelt by two languages (Irak ~ Iraq, Corée ~ Korea,
    Américains ~ Americans): the same word, or the same first sound and mostly the same letters."""
    if word == other:
        return True
    if len(word) < 4 or len(other) < 4 or _sound(word) != _sound(other):
        return False
    return SequenceMatcher(None, word, other).ratio() >= 0.65


#: Endings a French name of a people or language takes (Suédoise, Allemands, Italiennes).
_INFLECTIONS = ("", "s", "e", "es", "ne", "nes")


def _word_kept(words: list[str], i: int, acronym: bool, english: list[str], text: str,
               english_acronyms: set[str], initials: str) -> bool:
    """Whether the i-th folded word of a name is in the English: near a word of it; the letters
    of an English acronym (Otan ~ NATO, ONG ~ NGO); for an acronym, the initials of capitalised
    words there (UE ~ European Union); or an exonym phrase around it that the English holds
    (`royaume uni` ~ United Kingdom, `suedoise` ~ Swedish)."""
    word = words[i]
    if any(_near(word, e) for e in english) or any(sorted(word) == sorted(a) for a in english_acronyms):
        return True
    if acronym and word in initials:
        return True
    for start in range(max(0, i - 3), i + 1):
        for end in range(i + 1, min(len(words), start + 4) + 1):
            phrase = " ".join(words[start:end])
            forms = set().union(*(_exonyms().get(phrase.removesuffix(x), set()) for x in _INFLECTIONS))
            if any(f" {f} " in text or (" " not in f and any(_near(f, e) for e in english)) for f in forms):
                return True
    return False


def missing_names(french_source: str, english: str, glossary: Glossary | None = None) -> list[str]:
    """The names of `french_source` that `english` lost. A name of several words counts as kept
    when its last word is (a translation may drop a first name or a title: "Oprah Winfrey" →
    "Winfrey"), and so does each part joined by a particle (`Lévothyrox de Merck`: Lévothyrox and
    Merck); a name the glossary maps must appear in its English form (`Otan` → NATO), or as its
    initials (`États-Unis` → United States or US)."""
    english = _ABBREVIATION_DOT.sub("", english)
    english_words = _words(english)
    english_words += [fold(w.replace("-", "")) for w in re.findall(r"\w+(?:-\w+)+", english)]  # Wi-Fi ~ WiFi
    text = f" {' '.join(english_words)} "
    english_acronyms = {fold(w) for w in re.findall(r"\b[A-Z]{2,}\b", english)}
    # initials of each run of capitalised English words, for acronyms spelt out (EU: European Union)
    initials = " ".join("".join(w[0] for w in run.split()).lower()
                        for run in re.findall(r"[A-Z]\w*(?:\s+(?:of\s+)?[A-Z]\w*)+", english))
    def kept(segment: str) -> bool:
        """Whether the last word of a name, or of a part of it between particles, is in the English."""
        parts = [p for p in _PARTS.findall(segment) if len(p) > 1]
        if not parts:
            return True
        words, last = [fold(p) for p in parts], segment.split()[-1]
        return (_word_kept(words, len(words) - 1, last.isupper() and len(last) > 1, english_words, text,
                           english_acronyms, initials)
                or "-" in last and fold(last.replace("-", "")) in english_words)

    missing = []
    for name in proper_names(french_source):
        expected = glossary.enforce(name) if glossary else name
        words = [fold(p) for p in _PARTS.findall(expected) if len(p) > 1]
        if expected != name and len(words) > 1 and "".join(w[0] for w in words) in {*english_words, *initials.split()}:
            continue  # the glossary's form, abbreviated (United States → US)
        segments = re.split(r"\s(?:" + "|".join(_PARTICLES) + r")\s", expected)
        if not all(kept(segment) for segment in segments):
            missing.append(name)
    return missing


def _english_runs(sentence: str) -> list[list[tuple[str, bool]]]:
    """Runs of capitalised words of an English sentence, joined by spaces and `of`/`for`/`the`/`and`
    ("National Agency for the Improvement of Working Conditions"), as (word, first of the sentence)."""
    runs: list[list[tuple[str, bool]]] = []
    run: list[tuple[str, bool]] = []
    pending: list[tuple[str, bool]] = []
    for word, initial, joined in [*_tokens(sentence), ("", False, False)]:
        if run and not joined:
            runs.append(run)
            run, pending = [], []
        if _capitalised(word) or _name_shaped(word):
            run, pending = [*run, *pending, (word, initial)], []
        elif run and word in _CONNECTORS:
            pending.append((word, initial))
        else:
            if run:
                runs.append(run)
            run, pending = [], []
    return runs


def unknown_names(english: str, french_source: str, glossary: Glossary | None = None) -> list[str]:
    """Names in an English text (a summary, a decision) that come from nowhere, in order.

    A capitalised word is one unless it is near a word of the French source, an English form of
    one (CLDR, the glossary's entries for the source, or their initials: US), a common English word
    (`ENGLISH_COMMON`), a month or a day. A sentence's first word counts only when shaped like a
    name (an acronym, McDonald's) or followed by another capitalised word (Jean Castex), since
    English capitalises any word there. A country, language
    or city that CLDR knows counts as a whole ("United Kingdom") and must be one the source names;
    the name of an institution (capitalised words with `Agency`, `Ministry`…) is a translation,
    not checked word by word.
    """
    source_words = _words(french_source)
    source_text = f" {' '.join(source_words)} "
    backed = {" ".join(_words(e)) for e in (glossary.matches(french_source) if glossary else {}).values()}
    for phrase, forms in _exonyms().items():
        if any(f" {phrase}{x} " in source_text for x in _INFLECTIONS):
            backed |= forms
    known = _ENGLISH_DATES | ENGLISH_COMMON | {w for f in backed for w in f.split()}
    known |= {"".join(w[0] for w in f.split()) for f in backed if " " in f}
    places = _english_places()
    acronyms = {fold(w) for w in re.findall(r"\b[A-ZÀ-Ý]{2,}\b", french_source)}

    def is_known(word: str) -> bool:
        return all(len(p) < 2 or p in known or p.removesuffix("s") in known
                   or any(_near(p, w) for w in source_words)
                   or word.isupper() and any(sorted(p) == sorted(a) for a in acronyms) for p in _words(word))

    unknown: list[str] = []
    for sentence in split_sentences(english):
        for run in _english_runs(sentence):
            words = [w for w, _ in run]
            folded = f" {' '.join(_words(' '.join(words)))} "
            place = next((p for p in places if f" {p} " in folded), None)
            if place and not (f" {place} " in source_text or "".join(w[0] for w in place.split()) in known
                              or any(_near(place, b) for b in backed | set(source_words))):  # China ~ chinese
                found = re.search(r"\W+".join(map(re.escape, place.split())), fold(" ".join(words)))
                name = " ".join(words)[found.start():found.end()] if found else place.title()
                if name not in unknown:
                    unknown.append(name)
                continue
            if any(w.lower() in _INSTITUTIONS for w in words):
                continue
            for n, (word, initial) in enumerate(run):
                # a sentence's first word, unless a name's first word (Jean Castex) or name-shaped
                leads = n + 1 < len(run) and run[n + 1][0] not in _CONNECTORS
                if (word in unknown or initial and not (_name_shaped(word) or leads) or word in _CONNECTORS
                        or is_known(word)):
                    continue
                unknown.append(word)
    return unknown
