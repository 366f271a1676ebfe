"""Which models exist: manifests by id, the default, and what `-m` resolves to (ad-hoc specs for a
local path or a Hub repo id that no manifest names). Nothing here touches the network."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import platformdirs
from pydantic import ValidationError

from .. import settings
from ..errors import ModelError, describe_validation
from ..resources import data_dir
from .sources.hub import cached_file
from .spec import REPO, HubSource, ModelSpec, PathSource

#: Context assumed for ad-hoc models whose config does not say (GGUF files, configs without it).
ADHOC_CONTEXT = 4096
_HUB_REF = re.compile(rf"^(?P<repo>{REPO})(?:@(?P<revision>[\w./-]+))?$")
_SEQ2SEQ_NAMES = ("opus-mt", "nllb", "m2m", "marian")


def manifest_dirs() -> list[Path]:
    """Folders searched for manifests, lowest precedence first."""
    return [data_dir("models"), Path(platformdirs.user_config_dir("summarizer")) / "models",
            *settings.extra_models_dirs()]


def load_manifest(path: Path) -> ModelSpec:
    """Parse and validate one manifest; any problem becomes a ModelError naming the file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise ModelError(f"bad model manifest {path}: {e}") from e
    try:
        spec = ModelSpec.model_validate(data)
    except ValidationError as e:
        raise ModelError(f"bad model manifest {path}: {describe_validation(e, root='manifest')}") from None
    return spec.model_copy(update={"manifest": path})


def load_manifests() -> dict[str, ModelSpec]:
    """All manifests by id, exactly one of them `default`.

    A folder may declare at most one default; a later folder's default replaces earlier ones, and
    SUMMARIZER_MODEL replaces them all, so a user can switch the default without editing shipped files.
    Not cached: parsing a few TOML files is cheap and tests change the environment between calls.
    """
    specs: dict[str, ModelSpec] = {}
    default_id: str | None = None
    for folder in manifest_dirs():
        if not folder.is_dir():
            continue
        layer = [load_manifest(p) for p in sorted(folder.glob("*.toml"))]
        seen: dict[str, Path | None] = {}
        for spec in layer:
            if spec.id in seen:
                raise ModelError(f"model id {spec.id!r} is declared twice: {seen[spec.id]} and {spec.manifest}")
            seen[spec.id] = spec.manifest
            if spec.id == default_id and not spec.default:
                default_id = None
        defaults = [s for s in layer if s.default]
        if len(defaults) > 1:
            names = ", ".join(str(s.manifest) for s in defaults)
            raise ModelError(f"more than one default model in {folder}: {names}")
        if defaults:
            default_id = defaults[0].id
        specs.update((s.id, s) for s in layer)
    if chosen := settings.MODEL.value():
        if chosen not in specs:
            raise ModelError(f"{settings.MODEL.name}={chosen!r} is not a model id; set it to one of: "
                             f"{', '.join(sorted(specs))}, or unset it")
        default_id = chosen
    if default_id is None:
        folders = ", ".join(str(d) for d in manifest_dirs())
        raise ModelError(f"no default model: set {settings.MODEL.name} or `default = true` in one manifest "
                         f"(searched {folders})")
    return {
        i: s if s.default == (i == default_id) else s.model_copy(update={"default": i == default_id})
        for i, s in specs.items()
    }


def default_model() -> ModelSpec:
    return next(s for s in load_manifests().values() if s.default)


def resolve(ref: str | None) -> ModelSpec:
    """Turn what the user typed into a spec: None (the default), a manifest id, an existing local path
    (a .gguf file or a Hugging Face model folder), or a Hub repo id ``org/name[@revision]``.
    An existing path wins over a Hub id that spells the same."""
    if ref is None:
        return default_model()
    specs = load_manifests()
    if ref in specs:
        return specs[ref]
    path = Path(ref).expanduser()
    if path.exists():
        return _local_spec(path.resolve())
    match = _HUB_REF.match(ref)
    if match and not ref.lower().endswith(".gguf"):
        return _hub_spec(match["repo"], match["revision"])
    raise ModelError(
        f"unknown model {ref!r}: not a model id, an existing path or a Hub repo id (org/name). "
        f"Known ids: {', '.join(sorted(specs))}"
    )


def _local_spec(path: Path) -> ModelSpec:
    source = PathSource(type="path", path=str(path))
    if path.is_file() and path.suffix.lower() == ".gguf":
        return ModelSpec(
            id=str(path), name=path.stem, description=f"local GGUF file {path}", runtime="llamacpp",
            kind="chat", prompt_format="chat-template", tasks=["translate", "brief"], licence="unknown",
            context=ADHOC_CONTEXT, size_bytes=path.stat().st_size, source=source,
        )  # fmt: skip
    if (path / "config.json").is_file():
        return _transformers_spec(str(path), path.name, source, _read_config(path / "config.json"))
    raise ModelError(f"{path} is neither a .gguf file nor a Hugging Face model folder (no config.json)")


def _hub_spec(repo: str, revision: str | None) -> ModelSpec:
    cached = cached_file(repo, revision, "config.json")
    config = _read_config(cached) if cached else None
    ident = f"{repo}@{revision}" if revision else repo
    return _transformers_spec(ident, repo, HubSource(type="hub", repo=repo, revision=revision), config)


def _read_config(path: Path) -> dict[str, Any]:
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ModelError(f"cannot read {path}: {e}") from e
    if not isinstance(config, dict):
        raise ModelError(f"{path} is not a JSON object")
    return config


def _transformers_spec(
    ident: str, name: str, source: PathSource | HubSource, config: dict[str, Any] | None
) -> ModelSpec:
    """An ad-hoc transformers spec; without a config, guess seq2seq from well-known translation model names."""
    if config is not None:
        seq2seq = bool(config.get("is_encoder_decoder"))
    else:
        seq2seq = any(word in name.lower() for word in _SEQ2SEQ_NAMES)
    context = (config or {}).get("max_position_embeddings")
    return ModelSpec(
        id=ident, name=name, description=f"ad-hoc transformers model {ident}", runtime="transformers",
        kind="seq2seq" if seq2seq else "chat", prompt_format="seq2seq" if seq2seq else "chat-template",
        tasks=["translate"] if seq2seq else ["translate", "brief"],
        licence="unknown", context=context if isinstance(context, int) and context > 0 else ADHOC_CONTEXT,
        size_bytes=0, source=source, params=_seq2seq_params(name, config) if seq2seq else {},
    )  # fmt: skip


def _seq2seq_params(name: str, config: dict[str, Any] | None) -> dict[str, Any]:
    """French→English language codes for multilingual seq2seq models; Marian pairs need none."""
    if "nllb" in name.lower():
        return {"src_lang": "fra_Latn", "tgt_lang": "eng_Latn"}
    if "m2m" in name.lower() or (config or {}).get("model_type") == "m2m_100":
        return {"src_lang": "fr", "tgt_lang": "en"}
    return {}
