"""Hugging Face Hub repos, kept in the standard HF cache: looked up offline, downloaded only by `pull`."""

from __future__ import annotations

import shutil
import threading
import urllib.error
import urllib.request
from pathlib import Path

import huggingface_hub

from ... import settings
from ...errors import ModelError
from ..spec import HubSource, ModelSpec
from .base import Progress, WeightSource, tree_size

#: What `pull` fetches from a Hub repo unless the manifest lists `files`: safetensors weights plus
#: config/tokenizer files. Pickle formats (.bin/.pt), TF/Flax weights and remote code are never fetched.
HUB_FILES = ["*.safetensors", "*.json", "*.model", "*.spm", "*.txt", "*.tiktoken", "*.jinja"]


class Hub(WeightSource[HubSource]):
    def locate(self, spec: ModelSpec, src: HubSource, progress: Progress | None) -> Path:
        """The cached snapshot folder, or the cached GGUF file."""
        not_there = ModelError(
            f"model {spec.id} ({src.repo}) is not downloaded; run `summarize models pull {spec.id}` "
            f"on a machine with internet (Hugging Face cache: {settings.hf_hub_cache()})"
        )
        if src.gguf_file:
            found = cached_file(src.repo, src.revision, src.gguf_file)
            if found is None:
                raise not_there
            return found
        try:
            folder = Path(huggingface_hub.snapshot_download(
                src.repo, revision=src.revision, cache_dir=settings.hf_hub_cache(), local_files_only=True,
                allow_patterns=_patterns(src),
            ))  # fmt: skip
        except (OSError, ValueError) as e:
            raise not_there from e
        if not (folder / "config.json").is_file():
            raise not_there
        return folder

    def availability(self, spec: ModelSpec, src: HubSource) -> tuple[bool, str]:
        if cached_file(src.repo, src.revision, src.gguf_file or "config.json"):
            return True, "in HF cache"
        return False, f"not in HF cache: summarize models pull {spec.id}"

    def pull(self, spec: ModelSpec, src: HubSource, progress: Progress | None) -> Path:
        """Download into the HF cache; huggingface_hub shows its own progress bars."""
        endpoint, cache = settings.hf_endpoint(), settings.hf_hub_cache()
        if not hub_reachable():
            raise ModelError(
                f"Hugging Face Hub not reachable ({endpoint}): connect to the internet, or set HF_ENDPOINT "
                "to a reachable mirror and unset HF_HUB_OFFLINE, then retry"
            )
        try:
            if src.gguf_file:
                return Path(huggingface_hub.hf_hub_download(
                    src.repo, src.gguf_file, revision=src.revision, cache_dir=cache, endpoint=endpoint,
                ))  # fmt: skip
            folder = Path(huggingface_hub.snapshot_download(
                src.repo, revision=src.revision, cache_dir=cache, endpoint=endpoint, allow_patterns=_patterns(src),
            ))  # fmt: skip
        except (OSError, ValueError) as e:
            raise ModelError(f"could not download {src.repo}: {e}") from e
        if src.files is None and not any(folder.glob("*.safetensors")):
            raise ModelError(
                f"{src.repo} (revision {src.revision or 'main'}) has no safetensors weights; set [source] revision "
                f"to a safetensors conversion (e.g. a refs/pr/N branch) or list `files` in "
                f"{spec.manifest or 'a manifest'}"
            )
        return folder

    def remove(self, spec: ModelSpec, src: HubSource) -> list[tuple[Path, int]]:
        """The repo's whole folder in the HF cache (every revision)."""
        folder = _repo_folder(src)
        if not folder.is_dir():
            return []
        size = tree_size(folder)
        shutil.rmtree(folder)
        return [(folder, size)]

    def disk_usage(self, spec: ModelSpec, src: HubSource) -> dict[str, int]:
        folder = _repo_folder(src)
        return {"hf_cache": tree_size(folder)} if folder.is_dir() else {}


def cached_file(repo: str, revision: str | None, filename: str) -> Path | None:
    """A file of the repo in the HF cache, or None; never the network."""
    try:
        found = huggingface_hub.try_to_load_from_cache(
            repo, filename, cache_dir=settings.hf_hub_cache(), revision=revision
        )
    except ValueError:  # invalid repo id
        return None
    return Path(found) if isinstance(found, str) else None


def _patterns(src: HubSource) -> list[str]:
    return src.files or HUB_FILES


def _repo_folder(src: HubSource) -> Path:
    return settings.hf_hub_cache() / f"models--{src.repo.replace('/', '--')}"  # HF's documented layout


def hub_reachable(timeout: float = 3.0) -> bool:
    """One HEAD request to the Hub endpoint, bounded by `timeout` in total (a thread guards against slow
    DNS, which socket timeouts do not cover). HF_HUB_OFFLINE=1 means False without trying."""
    if settings.hf_offline():
        return False
    result: list[bool] = []

    def probe() -> None:
        try:
            request = urllib.request.Request(settings.hf_endpoint(), method="HEAD")
            with urllib.request.urlopen(request, timeout=timeout) as r:
                result.append(r.status < 500)
        except urllib.error.HTTPError as e:
            result.append(e.code < 500)
        except Exception:  # any failure (DNS, TLS, proxy, protocol) just means "not reachable"
            result.append(False)

    thread = threading.Thread(target=probe, daemon=True)
    thread.start()
    thread.join(timeout)
    return bool(result and result[0])
