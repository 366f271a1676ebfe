"""Prompt templates live in `prompts/*.toml` (data, versioned); this module only loads them."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from . import settings
from .errors import SummarizerError
from .resources import data_dir


def prompts_dir() -> Path:
    """`$SUMMARIZER_PROMPTS_DIR` lets a user try a prompt without touching the install."""
    return Path(settings.PROMPTS_DIR.value() or data_dir("prompts"))


@cache
def load_prompt(name: str) -> dict[str, Any]:
    """Load `prompts/NAME.toml`; every template carries a `version` recorded in outputs."""
    path = prompts_dir() / f"{name}.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SummarizerError(f"prompt template not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise SummarizerError(f"prompt template {path} is not valid TOML: {exc}") from None
    if "version" not in data:
        raise SummarizerError(f"prompt template {path} has no `version`")
    return data
