"""French and English number and date forms, to check that a translation kept every figure.

French writes ``3.500`` / ``3 500`` for three thousand five hundred and ``3,5`` for three and
a half; English writes ``3,500`` and ``3.5``. A translation that copies ``4.000`` verbatim
reads as "four" to an English reader, so figures are compared by value, never by spelling.

Conventions (documented because checks depend on them):

* Values are absolute: a leading ``-``/``+`` is not part of a number (``2020-2021`` is two
  years, and "down 5%" is a faithful rendering of ``-5 %``).
* A scale word multiplies the value: ``2,5 milliards`` = 2500000000 = ``2.5 billion``
  (French ``billion`` is 10¹², an English trillion). ``k``/``M`` count as scales only beside a
  currency (``5 M€``, ``€5m``), since ``5m`` alone is five metres.
* Numeric dates (``11/02/2021``) are skipped: their English order differs and they are rare in
  running text. Dates written with month names are ordinary numbers (day and year), so
  ``11 septembre 2001`` is kept when the English has 11 and 2001 somewhere.
* Times (``18h45``, ``20 h``) have kind ``time`` and value = minutes after midnight; the
  English may write ``18:45``, ``6:45 pm`` or, for a whole hour, the bare number
  (``24 h`` → "24 hours").
* Numbers glued to a preceding letter or digit group (``A320``, ``G7``) are not numbers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Set
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Literal

NumberKind = Literal["number", "percent", "ordinal", "year", "time"]

FRENCH_MONTHS: dict[str, str] = {
    "janvier": "January",
    "février": "February",
    "mars": "March",
    "avril": "April",
    "mai": "May",
    "juin": "June",
    "juillet": "July",
    "août": "August",
    "septembre": "September",
    "octobre": "October",
    "novembre": "November",
    "décembre": "December",
}

FRENCH_WEEKDAYS: dict[str, str] = {
    "lundi": "Monday",
    "mardi": "Tuesday",
    "mercredi": "Wednesday",
    "jeudi": "Thursday",
    "vendredi": "Friday",
    "samedi": "Saturday",
    "dimanche": "Sunday",
}

_FRENCH_SCALES = {
    "k": Decimal(10) ** 3,
    "m": Decimal(10) ** 6,
    "mille": Decimal(10) ** 3,
    "million": Decimal(10) ** 6,
    "millions": Decimal(10) ** 6,
    "milliard": Decimal(10) ** 9,
    "milliards": Decimal(10) ** 9,
    "md": Decimal(10) ** 9,
    "mds": Decimal(10) ** 9,
    "mrd": Decimal(10) ** 9,
    "mrds": Decimal(10) ** 9,
    "billion": Decimal(10) ** 12,
    "billions": Decimal(10) ** 12,
}

_ENGLISH_SCALES = {
    "k": Decimal(10) ** 3,
    "m": Decimal(10) ** 6,
    "thousand": Decimal(10) ** 3,
    "million": Decimal(10) ** 6,
    "billion": Decimal(10) ** 9,
    "bn": Decimal(10) ** 9,
    "trillion": Decimal(10) ** 12,
}

#: English number words a fluent translation uses for small figures ("two ministers").
_ENGLISH_WORDS = {
    word: Decimal(value)
    for value, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen "
        "fourteen fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
} | {
    word: Decimal(value)
    for value, word in enumerate(
        "first second third fourth fifth sixth seventh eighth ninth tenth".split(), start=1
    )
}

_SPACE = "[ \u00a0\u2009\u202f]"  # thin spaces too: French typography groups digits with them
_NOT_AFTER = r"(?<![\w.,])"

_FRENCH = re.compile(
    _NOT_AFTER
    + r"""(?:
        (?P<date>\d{1,2}[/.]\d{1,2}[/.]\d{2,4}(?!\d))
      | (?P<hour>[01]?\d|2[0-4])\s?h(?:\s?(?P<minute>[0-5]\d))?(?!\w)
      | (?P<num>
            \d{1,3}(?:\.\d{3})+(?:,\d+)?(?!\d)
          | \d{1,3}(?:"""
    + _SPACE
    + r"""\d{3})+(?:,\d+)?(?!\d)
          | \d+[,.]\d+
          | \d+
        )
        (?:
            (?P<ordinal>(?:er|re|ère|ème|eme|e|nde?)s?)(?!\w)
          | \s?(?P<percent>%|pour\s?cents?(?!\w))
          | \s(?P<scale>milliards?|millions?|billions?|mille|Mds?|Mrds?)(?!\w)
          | \s?(?P<money_scale>k|M|Mds?|Mrds?)\s?[€$£]
        )?
    )""",
    re.VERBOSE | re.IGNORECASE,
)

_ENGLISH = re.compile(
    _NOT_AFTER
    + r"""(?:
        (?P<date>\d{1,2}/\d{1,2}/\d{2,4}(?!\d))
      | (?P<hour>[01]?\d|2[0-4])(?:[:.](?P<minute>[0-5]\d))?\s?(?P<meridiem>[ap])\.?m\.?(?!\w)
      | (?P<hour24>[01]?\d|2[0-3]):(?P<minute24>[0-5]\d)(?!\d)
      | (?P<currency>[€$£]\s?)?
        (?P<num>
            \d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d)
          | \d{1,3}(?:"""
    + _SPACE
    + r"""\d{3})+(?:\.\d+)?(?!\d)
          | \d+\.\d+
          | \d+
        )
        (?:
            (?P<ordinal>st|nd|rd|th)(?!\w)
          | \s?(?P<percent>%|per\s?cent(?!\w))
          | \s?(?P<scale>thousand|million|billion|trillion|bn)(?!\w)
          | (?(currency)(?P<money_scale>[km])(?!\w)|(?!))
        )?
    )""",
    re.VERBOSE | re.IGNORECASE,
)

_ENGLISH_WORD = re.compile(
    r"(?<!\w)(?P<word>" + "|".join(_ENGLISH_WORDS) + r")"
    r"(?:\s(?P<scale>thousand|million|billion|trillion))?(?!\w)",
    re.IGNORECASE,
)

_DAY_NUMBER = r"1er|[12]\d|3[01]|0?[1-9]"
_DAY = rf"(?P<day>{_DAY_NUMBER})"
_FRENCH_DATE = re.compile(
    r"(?<!\w)(?:(?P<weekday>" + "|".join(FRENCH_WEEKDAYS) + r")(?!\w))?"
    r"(?:(?(weekday)\s+)(?:" + _DAY + r"(?:\s+|-))?(?P<month>" + "|".join(FRENCH_MONTHS) + r")"
    r"(?:\s+(?P<year>\d{4}))?)?(?!\w)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Number:
    """A number found in text: surface form, value (scaled; minutes after midnight for a time)
    and span."""

    text: str
    value: Decimal
    start: int
    end: int
    kind: NumberKind = "number"

    @property
    def key(self) -> str:
        """What two equal figures share: ``4000`` for 4.000 and 4,000, ``18:45`` for 18h45 and 6:45 pm."""
        if self.kind == "time":
            hours, minutes = divmod(int(self.value), 60)
            return f"{hours % 24}:{minutes:02d}"
        return _canonical(self.value)


@dataclass(frozen=True)
class FrenchDate:
    """A French date expression and its English rendering."""

    text: str
    start: int
    end: int
    english: str
    day: int | None
    month: str | None
    year: int | None
    weekday: str | None


def _canonical(value: Decimal) -> str:
    """``Decimal`` as a plain string without exponent or trailing zeros: 4000, 3.5, 2500000000."""
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _decimal(digits: str, decimal_mark: str) -> Decimal:
    """Digits with group separators removed and ``decimal_mark`` read as the decimal point."""
    other = "," if decimal_mark == "." else "."
    cleaned = re.sub(_SPACE, "", digits).replace(other, "").replace(decimal_mark, ".")
    return Decimal(cleaned)


def _french_value(num: str) -> Decimal:
    """French digits: a dot before exactly three digits groups thousands, a comma is decimal."""
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", num):
        return _decimal(num, ",")
    return _decimal(num.replace(",", "."), ".")


def _english_value(num: str) -> Decimal:
    return _decimal(num, ".")


def _either_value(num: str) -> Decimal:
    """Digits in either convention: a mark before groups of exactly three digits groups
    thousands, otherwise it is decimal; with both marks the last one is decimal."""
    marks = [ch for ch in num if ch in ".,"]
    if len(set(marks)) == 2:
        return _decimal(num, marks[-1])
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", num):
        return _decimal(num.replace(",", "").replace(".", ""), ".")
    return _decimal(num.replace(",", "."), ".")


def _minutes(match: re.Match[str]) -> int | None:
    """Minutes after midnight when the match is a time (18h45, 6:45 pm, 18:45)."""
    groups = match.groupdict()
    if groups.get("hour24"):
        return int(groups["hour24"]) * 60 + int(groups["minute24"])
    if not groups["hour"]:
        return None
    hour = int(groups["hour"])
    if groups.get("meridiem"):
        hour = hour % 12 + (12 if groups["meridiem"].lower() == "p" else 0)
    return hour * 60 + int(groups["minute"] or 0)


def _kind(match: re.Match[str]) -> NumberKind:
    if match.group("ordinal"):
        return "ordinal"
    if match.group("percent"):
        return "percent"
    if re.fullmatch(r"1[5-9]\d\d|20\d\d", match.group("num")):
        return "year"
    return "number"


def _number(
    match: re.Match[str], value_of: Callable[[str], Decimal], scales: dict[str, Decimal]
) -> Number | None:
    if match.group("date"):
        return None
    minutes = _minutes(match)
    if minutes is not None:
        return Number(match.group(0), Decimal(minutes), match.start(), match.end(), "time")
    scale = match.group("scale") or match.group("money_scale")
    value = value_of(match.group("num")) * (scales[scale.lower()] if scale else 1)
    return Number(match.group(0), value, match.start(), match.end(), _kind(match))


def _numbers(
    pattern: re.Pattern[str], text: str, value_of: Callable[[str], Decimal], scales: dict[str, Decimal]
) -> list[Number]:
    return [n for m in pattern.finditer(text) if (n := _number(m, value_of, scales)) is not None]


def french_numbers(text: str) -> list[Number]:
    """Numbers in French text, in order (``3.500``, ``3 500``, ``3,5``, ``10 %``, ``1er``, ``18h45``)."""
    return _numbers(_FRENCH, text, _french_value, _FRENCH_SCALES)


def english_numbers(text: str) -> list[Number]:
    """Numbers written with digits in English text (``3,500``, ``3.5``, ``10%``, ``1st``, ``6:45 pm``)."""
    return _numbers(_ENGLISH, text, _english_value, _ENGLISH_SCALES)


def normalise_number(s: str) -> str:
    """Canonical form of one French or English number, so ``4.000`` = ``4,000`` = ``4 000`` = ``4000``.

    Accepts the ``text`` of any Number found by ``french_numbers``/``english_numbers`` and
    returns its ``key`` — except that a lone ``4.000`` or ``4,000`` is read as four thousand in
    either language (``3,5`` = ``3.5`` stays decimal). Percent signs and ordinal suffixes are
    dropped (``10 %`` → 10, ``1er`` → 1), scale words multiply, English first (``billion`` = 10⁹;
    French ``milliard`` = 10⁹, ``billions`` = 10¹²), and times give ``H:MM``.
    """
    number = _whole_number(s)
    if number is None:
        raise ValueError(f"not a number: {s!r}")
    return number.key


def _whole_number(s: str) -> Number | None:
    """`s` read as one number, as `normalise_number` reads it; None when it is not one number."""
    stripped = s.strip()
    for pattern, scales in ((_ENGLISH, _ENGLISH_SCALES), (_FRENCH, _FRENCH_SCALES)):
        match = pattern.fullmatch(stripped)
        number = _number(match, _either_value, scales) if match else None
        if number is not None:
            return number
    return None


def to_english_number(s: str) -> str:
    """English spelling of a French number: ``3.500`` → ``3,500``, ``3,5`` → ``3.5``, ``10 %`` → ``10%``.

    Digit grouping follows the source: grouped thousands get commas, ``2017`` stays ``2017``.
    Ordinals get English suffixes (``1er`` → ``1st``), scale words are translated and a money
    abbreviation is spelled out (``5 M€`` → ``€5 million``). Times and dates raise ValueError.
    """
    match = _FRENCH.fullmatch(s.strip())
    if not match or not match.group("num"):
        raise ValueError(f"not a French number: {s!r}")
    num = match.group("num")
    value = _french_value(num)
    integer, _, fraction = _canonical(value).partition(".")
    if re.search(r"\d[ .\u00a0\u202f]\d{3}", num):
        integer = f"{int(integer):,}"
    english = f"{integer}.{fraction}" if fraction else integer
    if match.group("ordinal"):
        return english + _ordinal_suffix(int(value))
    if match.group("percent"):
        return english + "%"
    scale = match.group("scale") or match.group("money_scale")
    if scale:
        word = {3: "thousand", 6: "million", 9: "billion", 12: "trillion"}[_FRENCH_SCALES[scale.lower()].adjusted()]
        currency = match.group(0)[-1] if match.group("money_scale") else ""
        return f"{currency}{english} {word}"
    return english


def _ordinal_suffix(n: int) -> str:
    if n % 100 in (11, 12, 13):
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def french_dates(text: str) -> list[FrenchDate]:
    """Dates written with French month or weekday names: ``1er mai``, ``jeudi``, ``février 2020``.

    A month alone is not a date (``mars`` is also the planet): it needs a day or a year.
    """
    dates: list[FrenchDate] = []
    for match in _FRENCH_DATE.finditer(text):
        weekday, day, month, year = match.group("weekday", "day", "month", "year")
        end = match.end()
        if month and not (day or year):
            month, end = None, match.end("weekday") if weekday else match.start()
        if not (weekday or month):
            continue
        day_n = _day_number(day) if day else None
        english_month = FRENCH_MONTHS[month.lower()] if month else None
        english_weekday = FRENCH_WEEKDAYS[weekday.lower()] if weekday else None
        dates.append(
            FrenchDate(
                text=text[match.start() : end],
                start=match.start(),
                end=end,
                english=_english_date(english_weekday, day_n, english_month, year),
                day=day_n,
                month=english_month,
                year=int(year) if year else None,
                weekday=english_weekday,
            )
        )
    return dates


def _day_number(day: str) -> int:
    return 1 if day.lower() == "1er" else int(day)


def _english_date(weekday: str | None, day: int | None, month: str | None, year: str | None) -> str:
    """US news style: "Thursday, September 11, 2001", "May 1", "February 2020"."""
    date = month or ""
    if day:
        date = f"{date} {day}" + (f", {year}" if year else "")
    elif year:
        date = f"{date} {year}"
    if weekday:
        return f"{weekday}, {date}" if date else weekday
    return date


def to_english_date(s: str) -> str:
    """``1er mai`` → ``May 1``, ``11 septembre 2001`` → ``September 11, 2001``, ``jeudi`` → ``Thursday``."""
    dates = french_dates(s.strip())
    if len(dates) != 1 or dates[0].text != s.strip():
        raise ValueError(f"not a French date: {s!r}")
    return dates[0].english


# --- is this figure in the source? ---------------------------------------------------------------
# One rule for every check that a figure comes from the source: the translation's (`missing_numbers`),
# the brief's grounding and the evaluation's (`source_values`, `unsupported_numbers`), and figures
# compared with figures (`figure_values`).
# Figures compare by `figure_keys`; the source is read the French way ("4,000" is four).


def figure_keys(number: Number) -> set[str]:
    """What a figure matches: its key, and for a time on the hour its bare hour too (``24 h`` is
    "24 hours", ``20 h`` is "8 pm")."""
    hours, minutes = divmod(int(number.value), 60)
    if number.kind == "time" and not minutes:
        return {number.key, str(hours)}
    return {number.key}


def model_numbers(text: str) -> list[Number]:
    """Digit numbers in English a model wrote: as `english_numbers`, except that a lone ``4.000``
    is four thousand, as `normalise_number` reads it. A figure copied from the French source is
    from the source, though a translation that keeps it is wrong (`missing_numbers` reads English
    the English way)."""
    return _numbers(_ENGLISH, text, _either_value, _ENGLISH_SCALES)


#: French approximate numerals ("une quarantaine de communes", "un millier de manifestants"): an English
#: "about 40 municipalities" has the figure from the source. Only before "de": alone, "quarantaine"
#: is a quarantine and "quinzaine" a fortnight.
_APPROXIMATE = {"dizaine": 10, "douzaine": 12, "quinzaine": 15, "vingtaine": 20, "trentaine": 30, "quarantaine": 40,
                "cinquantaine": 50, "soixantaine": 60, "centaine": 100, "millier": 1000}
_FRENCH_APPROXIMATE = re.compile(rf"\b(?:une?|d['’]une?)\s+({'|'.join(_APPROXIMATE)})\s+d(?:e\s|['’])",
                                 re.IGNORECASE)
#: French number words ("dix lignes de métro sur seize", "quatre-vingt-dix"): English may write them in digits.
_FRENCH_NUMBER_WORDS = dict(zip("un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze "
                                "seize".split(), range(1, 17))) | {
    "une": 1, "vingt": 20, "vingts": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60}
_NUMBER_WORD = "|".join([*_FRENCH_NUMBER_WORDS, "cents?", "mille"])
_FRENCH_WORDS_NUMBER = re.compile(rf"(?<![\w-])(?:{_NUMBER_WORD})(?:(?:-et-|-| et | )(?:{_NUMBER_WORD}))*(?![\w-])",
                                  re.IGNORECASE)
#: An ordinal in Roman numerals ("au XVe siècle": "the 15th century", "du Xe au XIIIe", "le XVIe
#: arrondissement") and a decade ("les années 20": "the 1920s").
_FRENCH_ROMAN_ORDINAL = re.compile(r"\b([IVX]{1,5})(?:e|è|ème|eme|er)\b")
_FRENCH_DECADE = re.compile(r"\bannées\s+([1-9]0)\b", re.IGNORECASE)
_ROMAN = {"I": 1, "V": 5, "X": 10}


def _words_value(words: str) -> int:
    """The value of French number words ("quatre-vingt-dix" 90, "deux cents" 200, "trois mille" 3000)."""
    total = current = 0
    tokens = [t for t in re.split(r"[- ]+", words.lower()) if t != "et"]
    for i, token in enumerate(tokens):
        if token.startswith("cent"):
            current = (current or 1) * 100
        elif token == "mille":
            total, current = total + (current or 1) * 1000, 0
        elif token.startswith("vingt") and i and tokens[i - 1] == "quatre":
            current += 80 - 4  # "quatre-vingt": the four counted already
        else:
            current += _FRENCH_NUMBER_WORDS[token]
    return total + current


def _roman(numeral: str) -> int:
    values = [_ROMAN[c] for c in numeral]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def _spelled_values(source_fr: str) -> set[str]:
    """Figures a French source gives in words that English may write in digits: approximate
    numerals (`_APPROXIMATE`), number words (`_FRENCH_NUMBER_WORDS`; "un"/"une" alone are articles),
    ordinals in Roman numerals and decades ("années 20": 1920 and 2020)."""
    values = {_APPROXIMATE[m.group(1).lower()] for m in _FRENCH_APPROXIMATE.finditer(source_fr)}
    values |= {_words_value(m.group(0)) for m in _FRENCH_WORDS_NUMBER.finditer(source_fr)
               if m.group(0).lower() not in ("un", "une")}
    values |= {_roman(m.group(1)) for m in _FRENCH_ROMAN_ORDINAL.finditer(source_fr)}
    values |= {century + int(m.group(1)) for m in _FRENCH_DECADE.finditer(source_fr) for century in (1900, 2000)}
    return {_canonical(Decimal(v)) for v in values}


@lru_cache(maxsize=8)
def source_values(source_fr: str) -> frozenset[str]:
    """The keys of every figure of a French source (`figure_keys`), those it gives in words included
    (`_spelled_values`), for `found_in`; kept for the last few sources, which a brief checks once
    per decision and for its summary. Not required of a translation (`missing_numbers`): "about
    forty" and "the fifteenth century" say them without digits."""
    written = {key for number in french_numbers(source_fr) for key in figure_keys(number)}
    return frozenset(written | _spelled_values(source_fr))


def found_in(number: Number, keys: Set[str]) -> bool:
    """Whether `number` is one of the figures whose `figure_keys` are `keys` (a source's `source_values`)."""
    return not figure_keys(number).isdisjoint(keys)


def unsupported_numbers(english: str, known: Set[str]) -> list[str]:
    """Digit numbers a model wrote in English (a summary, a decision) that are not in the source
    whose `source_values` are `known`, each once, as written."""
    return list(dict.fromkeys(n.text for n in model_numbers(english) if not found_in(n, known)))


_ENGLISH_MONTH = "|".join(FRENCH_MONTHS.values())
_ORDINAL_END = r"(?:st|nd|rd|th)?"
#: A day and an English month, either order ("March 12th", "12 March", "the 1st of May"); months
#: are matched capitalised only, so that the verb "may" is not one.
_ENGLISH_DAY_MONTH = re.compile(
    rf"(?<![\w,.])(?:(?P<day>[12]\d|3[01]|0?[1-9]){_ORDINAL_END}\s+(?:of\s+)?(?P<month>{_ENGLISH_MONTH})"
    rf"|(?P<month2>{_ENGLISH_MONTH})\s+(?:the\s+)?(?P<day2>[12]\d|3[01]|0?[1-9]){_ORDINAL_END})(?![\w,.]\d|\w)")
_NUMERIC_DATE = re.compile(r"(?<![\w/.])([12]\d|3[01]|0?[1-9])[/.](1[0-2]|0?[1-9])(?:[/.]\d{2,4})?(?![\w/])")


def _day_month(match: re.Match[str]) -> tuple[int, str]:
    """The day and the English month of a `_ENGLISH_DAY_MONTH` match."""
    return int(match["day"] or match["day2"]), match["month"] or match["month2"]


#: Days listed before a date's day, sharing its month: "11 et" in "des 11 et 18 juin", "du 3 au".
_DAYS_BEFORE = re.compile(rf"(?:(?<!\w)(?:{_DAY_NUMBER})\s*(?:,|et|au|à|-)\s*)*$", re.IGNORECASE)


@lru_cache(maxsize=8)
def source_days(source_fr: str) -> frozenset[tuple[int, str]]:
    """(day, English month) of every date of a French source: "12 mai" and "12/05/2020" give (12, "May");
    kept for the last few sources, as `source_values`."""
    days = set()
    for d in french_dates(source_fr):
        if d.day and d.month:
            days.add((d.day, d.month))
            listed = _DAYS_BEFORE.search(source_fr, max(0, d.start - 60), d.start)  # "des 11 et 18 juin": the 11th is in June too
            days |= {(_day_number(n), d.month) for n in re.findall(_DAY_NUMBER, listed.group(0), re.IGNORECASE)}
    months = list(FRENCH_MONTHS.values())
    return frozenset(days | {(int(day), months[int(month) - 1]) for day, month in _NUMERIC_DATE.findall(source_fr)})


def unsupported_dates(english: str, days: Set[tuple[int, str]]) -> list[str]:
    """Dates a model wrote in English ("March 12th") whose day and month the source, whose
    `source_days` are `days`, does not give together: small models keep the day and invent the
    month, which the number check alone lets through (12 is in the source)."""
    out = []
    for m in _ENGLISH_DAY_MONTH.finditer(english):
        if _day_month(m) not in days and m.group(0) not in out:
            out.append(m.group(0))
    return out


def restore_months(english: str, source_fr: str) -> str:
    """`english` with the month of each date put back to the source's, when the source gives that
    day under one other month only ("March 12th" where the article says "12 mai" → "May 12th"):
    small models keep the day and invent the month."""
    days = source_days(source_fr)

    def restore(m: re.Match[str]) -> str:
        day, month = _day_month(m)
        months = {other for d, other in days if d == day}
        if (day, month) in days or len(months) != 1:
            return m.group(0)
        return m.group(0).replace(month, months.pop())

    return _ENGLISH_DAY_MONTH.sub(restore, english)


def invented_figures(english: str, source_fr: str) -> list[str]:
    """What a model wrote in English that the French source does not have, by value: digit numbers
    (`unsupported_numbers`) and dates (`unsupported_dates`), each once, as written."""
    rest = _ENGLISH_DAY_MONTH.sub(" ", english)  # a date's day is checked with its month, not alone
    return unsupported_dates(english, source_days(source_fr)) + unsupported_numbers(rest, source_values(source_fr))


def figure_value(text: str) -> str | None:
    """The key of `text` when the whole of it is one number other than a time ("4,000",
    "2,5 milliards", "10 %"), else None."""
    number = _whole_number(text)
    return number.key if number is not None and number.kind != "time" else None


def figure_values(text: str) -> set[str]:
    """Keys of the figures in a figure string or an English text ("4,000", "500 to 4,000 troops"):
    the whole of it as one number (`figure_value`), else each digit number a model wrote in it
    (`model_numbers`). Times are not figures."""
    whole = figure_value(text)
    return {whole} if whole else {n.key for n in model_numbers(text) if n.kind != "time"}


def missing_numbers(source_fr: str, target_en: str) -> list[str]:
    """French figures (as written) whose value appears nowhere in the English translation.

    Each distinct French figure is checked once, by value, against English digits, small
    English number words (one…twenty, first…tenth, "two million") and times. Ordinals match
    cardinals (``1er mai`` is kept by "May 1"). Dates are not special: their day and year
    must appear as numbers, which any English rendering of the date does.
    """
    present: set[str] = set()
    for number in english_numbers(target_en):
        present |= figure_keys(number)
    for match in _ENGLISH_WORD.finditer(target_en):
        value = _ENGLISH_WORDS[match.group("word").lower()]
        if match.group("scale"):
            value *= _ENGLISH_SCALES[match.group("scale").lower()]
        present.add(_canonical(value))
    missing: list[str] = []
    for number in french_numbers(source_fr):
        if not found_in(number, present) and number.text not in missing:
            missing.append(number.text)
    return missing


_SPLIT_GROUP = re.compile(r"(?<=\d)([,.]) (?=\d{3}(?!\d))")


def join_digit_groups(text: str) -> str:
    """Undo a tokenizer artefact of small models: `3, 500` → `3,500` (a space inside a number)."""
    return _SPLIT_GROUP.sub(r"\1", text)
