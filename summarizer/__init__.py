"""summarizer: offline French news → English translations and decision briefs on local open models.

`Summarizer` loads a model once and translates or briefs articles; `load_document` reads one.
Both import lazily, so `import summarizer` stays cheap for the command line.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

try:  # one version, pyproject's, read from the installed distribution's metadata
    __version__ = version("summarizer-fr-en")
except PackageNotFoundError:  # imported from a checkout that was never installed
    __version__ = "0+unknown"

if TYPE_CHECKING:
    from .api import Options, Summarizer, load_document

__all__ = ["Options", "Summarizer", "load_document", "__version__"]


def __getattr__(name: str) -> Any:
    if name in ("Options", "Summarizer", "load_document"):
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'summarizer' has no attribute {name!r}")
