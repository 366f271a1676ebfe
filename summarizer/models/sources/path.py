"""A local file or folder named by a manifest or typed after -m: the user's own, never deleted."""

from __future__ import annotations

from pathlib import Path

from ...errors import InputError, ModelError
from ..spec import ModelSpec, PathSource
from .base import Progress, WeightSource


class LocalPath(WeightSource[PathSource]):
    def locate(self, spec: ModelSpec, src: PathSource, progress: Progress | None) -> Path:
        path = _path_of(spec, src)
        if not path.exists():
            raise ModelError(f"model {spec.id}: {path} does not exist")
        return path

    def availability(self, spec: ModelSpec, src: PathSource) -> tuple[bool, str]:
        path = _path_of(spec, src)
        return (True, str(path)) if path.exists() else (False, f"no such path: {path}")

    def remove(self, spec: ModelSpec, src: PathSource) -> list[tuple[Path, int]]:
        raise InputError(
            f"model {spec.id} is a local path ({_path_of(spec, src)}); summarize only removes what it stored "
            "itself, never your files"
        )


def _path_of(spec: ModelSpec, src: PathSource) -> Path:
    """Relative paths are relative to the manifest's folder."""
    path = Path(src.path).expanduser()
    if not path.is_absolute() and spec.manifest is not None:
        path = spec.manifest.parent / path
    return path
