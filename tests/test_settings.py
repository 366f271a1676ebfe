"""settings: the one place that reads the environment, read at call time, documented in the README."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from summarizer import settings

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for s in settings.SETTINGS:
        monkeypatch.delenv(s.name, raising=False)
    return monkeypatch


def test_no_other_module_reads_the_environment() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in sorted((ROOT / "summarizer").rglob("*.py")) if path.name != "settings.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\b(environ|getenv)\b|envvar=\"", line)
    ]
    assert offenders == []


def test_values_are_read_at_call_time_and_empty_means_unset(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    default = settings.cache_dir()
    clean_env.setenv("SUMMARIZER_CACHE", str(tmp_path))
    assert settings.cache_dir() == tmp_path
    clean_env.setenv("SUMMARIZER_CACHE", "")
    assert settings.cache_dir() == default and settings.CACHE.value() is None


def test_hf_cache_follows_huggingface_precedence(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert settings.hf_hub_cache() == Path("~/.cache/huggingface/hub").expanduser()
    clean_env.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert settings.hf_hub_cache() == tmp_path / "xdg" / "huggingface" / "hub"
    clean_env.setenv("HF_HOME", str(tmp_path / "home"))
    assert settings.hf_hub_cache() == tmp_path / "home" / "hub"
    clean_env.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    assert settings.hf_hub_cache() == tmp_path / "hub"


@pytest.mark.parametrize(("value", "offline"), [("1", True), (" TRUE ", True), ("on", True), ("0", False), ("", False)])
def test_hf_offline_spellings(clean_env: pytest.MonkeyPatch, value: str, offline: bool) -> None:
    clean_env.setenv("HF_HUB_OFFLINE", value)
    assert settings.hf_offline() is offline


def test_models_dirs_endpoint_and_verbose(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert settings.extra_models_dirs() == [] and not settings.verbose()
    assert settings.hf_endpoint() == "https://huggingface.co"
    clean_env.setenv("SUMMARIZER_MODELS_DIR", f"{tmp_path / 'a'}{os.pathsep}{tmp_path / 'b'}")
    clean_env.setenv("HF_ENDPOINT", "http://mirror:8080/")
    clean_env.setenv("SUMMARIZER_VERBOSE", "0")  # any value, as before settings existed
    assert settings.extra_models_dirs() == [tmp_path / "a", tmp_path / "b"]
    assert (settings.hf_endpoint(), settings.verbose()) == ("http://mirror:8080", True)


def test_api_key_falls_back_to_the_manifest_variable(clean_env: pytest.MonkeyPatch) -> None:
    assert settings.api_key("MY_SERVER_KEY") is None
    clean_env.setenv("MY_SERVER_KEY", "sk-manifest")
    assert settings.api_key("MY_SERVER_KEY") == "sk-manifest"
    clean_env.setenv("SUMMARIZER_API_KEY", "sk-generic")
    assert settings.api_key("MY_SERVER_KEY") == "sk-generic"


def test_shown_masks_keys_and_url_credentials(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("SUMMARIZER_API_KEY", "sk-secret")
    clean_env.setenv("SUMMARIZER_BASE_URL", "http://user:p@ss/word@gpu:8000/v1")
    clean_env.setenv("SUMMARIZER_API_MODEL", "Qwen/Qwen2.5-7B-Instruct")
    assert settings.API_KEY.shown() == "***"
    assert settings.BASE_URL.shown() == "http://***@gpu:8000/v1"
    assert settings.API_MODEL.shown() == "Qwen/Qwen2.5-7B-Instruct"
    assert settings.HF_ENDPOINT.shown() is None


def test_readme_settings_table_lists_every_variable() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    assert rows == [f"| `{s.name}` | {s.default} | {s.doc} |" for s in settings.SETTINGS]
