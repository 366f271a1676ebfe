"""An OpenAI-compatible server: no local weights, nothing stored."""

from __future__ import annotations

from pathlib import Path

from ...errors import ModelError
from ..spec import ModelSpec, ServerSource
from .base import Progress, WeightSource


class Server(WeightSource[ServerSource]):
    def locate(self, spec: ModelSpec, src: ServerSource, progress: Progress | None) -> Path:
        raise ModelError(f"model {spec.id} is served by {src.base_url}; it has no local files")

    def availability(self, spec: ModelSpec, src: ServerSource) -> tuple[bool, str]:
        return True, f"server at {src.base_url} (not checked)"

    def remove(self, spec: ModelSpec, src: ServerSource) -> list[tuple[Path, int]]:
        return []
