"""Data shipped with the tool: model manifests (`models/`) and prompt templates (`prompts/`).

The repository keeps them as top-level folders; a wheel carries them inside the package as
`summarizer/_data/NAME` (pyproject's force-include), so an installed wheel and a checkout both work."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def data_dir(name: str) -> Path:
    """The folder `models` or `prompts`: inside the installed package, else beside it (a checkout)."""
    packaged = resources.files(__package__).joinpath("_data", name)
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / name
