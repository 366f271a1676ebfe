"""Writing results: atomically (temp file, fsync, rename), so a crash never leaves half a file
and an existing output is only replaced by a complete new one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import InputError


def write_atomic(path: Path, data: str | bytes, *, protect: tuple[Path, ...] = ()) -> None:
    """Write `data` to `path` atomically. Paths in `protect` (the inputs) are never overwritten."""
    target = path.resolve()
    for p in protect:
        if p.exists() and target.exists() and os.path.samefile(p, target):
            raise InputError(f"refusing to overwrite the input file {p}")
    target.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(raw)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
