"""Every environment variable summarizer reads, with its default and meaning, in one place (after
huggingface_hub's `constants.py`); `summarize info` and the README's Settings table list `SETTINGS`.

Unlike huggingface_hub's constants, values are read when asked for, never frozen at import: tests,
and programs that set a variable after `import summarizer`, must see the environment as it is now.
An empty variable counts as unset.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import platformdirs


@dataclass(frozen=True)
class Setting:
    """One environment variable: its name, what applies when it is unset, and what it changes."""

    name: str
    default: str
    doc: str
    secret: Literal["key", "url"] | None = None  # how `shown` masks the value

    def value(self) -> str | None:
        """The current value; None when unset or empty."""
        return os.environ.get(self.name) or None

    def shown(self) -> str | None:
        """The current value as it may be printed: a key as `***`, a URL without its credentials."""
        value = self.value()
        if value is None or self.secret is None:
            return value
        return "***" if self.secret == "key" else redact_url(value)


MODEL = Setting("SUMMARIZER_MODEL", "the manifest marked default = true",
                "model used when -m is omitted (a manifest id)")
TRANSLATE_MODEL = Setting("SUMMARIZER_TRANSLATE_MODEL", "the model SUMMARIZER_MODEL picks",
                          "model that translates when -m is omitted (translate, brief --with-translation, "
                          "batch --task translate or all), e.g. a pulled opus-mt-fr-en; briefs keep the default")
CACHE = Setting("SUMMARIZER_CACHE", "the user cache folder (~/.cache/summarizer on Linux)",
                "where embedded models are assembled")
PREFIX_CACHE = Setting("SUMMARIZER_PREFIX_CACHE", "SUMMARIZER_CACHE/prefixes",
                       "folder where llama.cpp keeps the computed fixed prompt prefixes (system prompt, examples) "
                       "between runs; off: compute them in every run")
MODELS_DIR = Setting("SUMMARIZER_MODELS_DIR", "no extra folder",
                     "extra manifest folders (os.pathsep-separated), searched last, so they win on equal ids")
PROMPTS_DIR = Setting("SUMMARIZER_PROMPTS_DIR", "the shipped prompts/",
                      "prompt templates and glossary, to try a prompt without touching the install")
VERBOSE = Setting("SUMMARIZER_VERBOSE", "quiet", "any value: show transformers' logs and progress bars")
BASE_URL = Setting("SUMMARIZER_BASE_URL", "the manifest's base_url (http://127.0.0.1:8080/v1)",
                   "server of the openai-server model", secret="url")
API_KEY = Setting("SUMMARIZER_API_KEY", "the variable a server manifest names in api_key_env, else none",
                  "bearer token sent to the server; the key summarize serve requires", secret="key")
API_MODEL = Setting("SUMMARIZER_API_MODEL", "the manifest's model (default means the server's only one)",
                    "model name requested from the server")
API_TIMEOUT = Setting("SUMMARIZER_API_TIMEOUT", "the manifest's read_timeout, else 300",
                      "seconds allowed for one whole request to the server")
HF_HUB_CACHE = Setting("HF_HUB_CACHE", "$HF_HOME/hub", "Hugging Face cache holding Hub models (models pull, rm)")
HF_HOME = Setting("HF_HOME", "$XDG_CACHE_HOME/huggingface", "Hugging Face home folder")
XDG_CACHE_HOME = Setting("XDG_CACHE_HOME", "~/.cache",
                         "base of the default Hugging Face home (and, on Linux, of SUMMARIZER_CACHE's default)")
HF_ENDPOINT = Setting("HF_ENDPOINT", "https://huggingface.co", "Hub (or mirror) that models pull downloads from",
                      secret="url")
HF_HUB_OFFLINE = Setting("HF_HUB_OFFLINE", "off", "1, true, yes or on: models pull never tries the Hub")

#: Every variable the tool reads, in the order `summarize info` and the README show them.
SETTINGS = (MODEL, TRANSLATE_MODEL, CACHE, PREFIX_CACHE, MODELS_DIR, PROMPTS_DIR, VERBOSE, BASE_URL, API_KEY,
            API_MODEL, API_TIMEOUT, HF_HUB_CACHE, HF_HOME, XDG_CACHE_HOME, HF_ENDPOINT, HF_HUB_OFFLINE)


def cache_dir() -> Path:
    """Where assembled models live."""
    env = CACHE.value()
    return Path(env).expanduser() if env else Path(platformdirs.user_cache_dir("summarizer"))


def prefix_cache_dir() -> Path | None:
    """Where llama.cpp's fixed-prefix state is kept; None when SUMMARIZER_PREFIX_CACHE is off."""
    env = PREFIX_CACHE.value()
    if env is None:
        return cache_dir() / "prefixes"
    return None if env.strip().lower() == "off" else Path(env).expanduser()


def extra_models_dirs() -> list[Path]:
    """The manifest folders added by SUMMARIZER_MODELS_DIR, in order."""
    return [Path(d).expanduser() for d in (MODELS_DIR.value() or "").split(os.pathsep) if d]


def verbose() -> bool:
    """Any value, even "0", turns verbosity on, as it always has."""
    return VERBOSE.value() is not None


def api_key(manifest_var: str | None = None) -> str | None:
    """SUMMARIZER_API_KEY, else the variable a server manifest names (`api_key_env`)."""
    return API_KEY.value() or (os.environ.get(manifest_var) or None if manifest_var else None)


def hf_hub_cache() -> Path:
    """The standard HF hub cache, resolved as huggingface_hub does (which freezes it at import, and
    would so ignore an HF_HOME set later, e.g. by tests)."""
    if env := HF_HUB_CACHE.value():
        return Path(env).expanduser()
    home = HF_HOME.value() or Path(XDG_CACHE_HOME.value() or "~/.cache") / "huggingface"
    return Path(home).expanduser() / "hub"


def hf_endpoint() -> str:
    """Without a trailing slash, so paths can be appended."""
    return (HF_ENDPOINT.value() or "https://huggingface.co").rstrip("/")


def hf_offline() -> bool:
    """The spellings huggingface_hub itself accepts as true."""
    return (HF_HUB_OFFLINE.value() or "").strip().lower() in {"1", "true", "yes", "on"}


def redact_url(url: str) -> str:
    """`url` with any userinfo replaced by `***`, up to the last "@" (an unescaped "@" or "/" in a
    password must not leak its tail either)."""
    return re.sub(r"^([a-z][a-z0-9+.-]*://)?.*@", r"\1***@", url, flags=re.IGNORECASE | re.DOTALL)
