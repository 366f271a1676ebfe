"""Writing results: atomically (temp file, fsync, rename), so a crash never leaves half a file
and an existing output is only replaced by a complete new one."""

from __future__ import annotations

import os
import secrets
from pathlib import Path, PurePosixPath

from .errors import InputError


def is_inside(path: Path, folder: Path) -> bool:
    """Whether resolved `path` is resolved `folder` or lies below it."""
    return path == folder or folder in path.parents


def contained(folder: Path, rel: object) -> Path | None:
    """The resolved `folder/rel` when `rel` is a canonical relative POSIX path (no `..`, not
    absolute) that stays below `folder` once symlinks are followed; else None. For paths read
    from files a person may have edited (the manifest), which must never lead outside `folder`."""
    if not isinstance(rel, str) or "\x00" in rel:
        return None
    pure = PurePosixPath(rel)
    if pure.is_absolute() or not pure.parts or ".." in pure.parts or pure.as_posix() != rel:
        return None
    root = Path(folder).resolve()
    path = (root / rel).resolve()
    return path if root in path.parents else None


def write_atomic(path: Path, data: str | bytes, *, protect: tuple[Path, ...] = ()) -> None:
    """Write `data` to `path` atomically. Paths in `protect` (the inputs) are never overwritten.

    The file gets the usual mode of a new file, 0666 less the process umask (0644 under umask
    022), also when it replaces one: results are shared like any file the user makes, and a 0600
    file that older versions left (index.html, outputs) is fixed by the next run.
    """
    target = path.resolve()
    for p in protect:
        if p.exists() and target.exists() and os.path.samefile(p, target):
            raise InputError(f"refusing to overwrite the input file {p}")
    target.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    tmp = target.parent / f".{target.name}.{secrets.token_hex(8)}.tmp"
    # os.open applies the umask, which cannot be read without changing it (racy with threads).
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(raw)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
