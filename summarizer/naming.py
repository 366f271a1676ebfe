"""Output file names, the one place that knows them: the suffix of each kind of output, the name
batch gives an output after its input, and an output name read back (evaluate, report, discover).

An output is named after the *whole* input name plus its kind's suffix (``a.txt`` →
``a.txt.brief.json``): injective by construction, and stable whatever else the folder holds (a
name chosen among clashing inputs would move when a file is added, and every rule that
disambiguates has its own clashes). Read back, the batch form and a name a person gives the CLI's
output (``a.brief.json``, ``a.fr.en.txt``) both lead to the article's stem ``a``.
"""

from __future__ import annotations

from .documents import EXTENSIONS

#: Output kind (batch's manifest `outputs` keys) → suffix added to the input's name.
OUTPUT_KINDS: dict[str, str] = {
    "translation": ".en.txt", "brief_json": ".brief.json", "brief_md": ".brief.md", "report": ".report.html",
}
#: Suffixes of every output; a file so named is never taken as an input.
OUTPUT_SUFFIXES: tuple[str, ...] = tuple(OUTPUT_KINDS.values())
#: What the CLI writes to any name a person chooses (`-o result.json`): a brief, a translation.
_LOOSE_SUFFIXES = (".json", ".txt")


def output_name(input_name: str, kind: str) -> str:
    """The output of `kind` for `input_name` (a file name, or a POSIX path relative to IN_DIR, whose
    folders the output keeps)."""
    return input_name + OUTPUT_KINDS[kind]


def output_kind(name: str) -> str | None:
    """The kind of output `name` is named as, or None."""
    return next((kind for kind, suffix in OUTPUT_KINDS.items() if name.endswith(suffix)), None)


def is_output_name(name: str) -> bool:
    return output_kind(name) is not None


def input_stem(name: str) -> str:
    """The article an output name stands for, without the output suffix, the input's extension and
    a ``.fr``: ``a.fr.txt.brief.json`` (batch), ``a.brief.json``, ``a.fr.en.txt`` and ``a.json``
    (named by a person) all read as ``a``."""
    kind = output_kind(name)
    suffix = OUTPUT_KINDS[kind] if kind else next((s for s in _LOOSE_SUFFIXES if name.endswith(s)), "")
    name = name[: len(name) - len(suffix)]
    stem, dot, ext = name.rpartition(".")
    if dot and f".{ext.lower()}" in EXTENSIONS:
        name = stem
    return name.removesuffix(".fr")
