"""The state of a fixed prompt prefix (a task's system prompt and examples) in every llama.cpp slot,
kept on disk between runs so that a run loads it instead of processing it once per slot (issue 13:
the translation prefix is ~440 tokens, ~8 s of prompt processing per slot on 2 cores).

Every slot starts a task from the same state, the prefix computed alone from position 0, whether
that state is computed now or loaded from disk: llama.cpp's numerics for a token depend on the batch
it is computed in (from position 0, or continuing a cached prefix), so this is what keeps greedy
outputs identical with and without the disk cache (tests/test_real_model.py).

An entry is llama.cpp's own slot file (written and read by its server's `/slots/N?action=save|restore`)
and a JSON sidecar with the key it was built for, the file's sha256 and its token count.
The key names everything the state depends on: the prefix messages, the model file, the llama.cpp
build and CPU features, and the KV layout. An entry is loaded only when its sidecar holds the key
asked for and the file has the recorded hash; anything else (stale, corrupt, truncated,
half-written) is deleted and built again, on one slot, then loaded into the others.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any, Protocol

#: Entries kept, most recently used first (each holds a few tens of MB of KV state).
KEEP = 8
#: A temp file older than this is left over from a crashed build.
STALE_TEMP_SECONDS = 3600

Messages = list[dict[str, str]]

log = logging.getLogger(__name__)
#: The server's own listener is on 127.0.0.1: never route it through an HTTP proxy from the environment.
_LOOPBACK = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class SlotError(Exception):
    """llama.cpp refused a slot operation (a file it cannot read, a prefix longer than the slot)."""


class Slots(Protocol):
    """What the cache needs from the engine: how many slots it has, and per slot: process a prefix,
    save its state to a file in the cache folder, restore it from one (each returns the token count)."""

    count: int

    def fill(self, slot: int, messages: Messages) -> None: ...

    def save(self, slot: int, filename: str) -> int: ...

    def restore(self, slot: int, filename: str) -> int: ...


def prepare(messages: Messages, slots: Slots, cache: PrefixCache | None) -> str:
    """Put the state of `messages` in every slot: "restored" or "built" by `cache`, else (no cache, or
    a cache that fails: it only saves time) "computed" on each slot in turn."""
    if cache is not None:
        try:
            return cache.load(messages, slots)
        except (OSError, SlotError) as exc:
            log.warning("prompt prefix cache in %s not used: %s", cache.directory, exc)
    for i in range(slots.count):
        slots.fill(i, messages)
    return "computed"


class SlotPrefix:
    """Which prefix the slots start from, prepared only when it changes.

    A slot keeps a prefix's rows while it serves that task's requests (llama.cpp reuses the longest
    common prefix of what the slot holds), so preparing the same prefix again only costs time. Worse,
    in a batch it would wipe the article another document has cached in a slot, and wait for that
    slot to finish first. So documents that share a task share one preparation; preparing another
    task's prefix (translation, then brief) makes the next call prepare again."""

    def __init__(self, slots: Slots, cache: PrefixCache | None) -> None:
        self.slots, self.cache = slots, cache
        self._current: Messages | None = None
        self._lock = threading.Lock()  # a batch's workers call at once: one prepares, the others wait

    def ensure(self, messages: Messages) -> str:
        """"kept" when `messages` is what the slots were last prepared with, else what `prepare` did."""
        with self._lock:
            if messages == self._current:
                return "kept"
            self._current = None  # a failed preparation leaves the slots in no known state
            how = prepare(messages, self.slots, self.cache)
            self._current = [dict(m) for m in messages]
            return how


class PrefixCache:
    """Entries in `directory` for one engine configuration (`setup`: model, build, KV layout)."""

    def __init__(self, directory: Path, setup: dict[str, Any]) -> None:
        self.directory = directory
        self.setup = setup

    def key(self, messages: Messages) -> dict[str, Any]:
        return {**self.setup, "messages": messages}

    def load(self, messages: Messages, slots: Slots) -> str:
        """Put the state of `messages` in every slot: "restored" from a valid entry, else "built"."""
        key = self.key(messages)
        name = hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:32]
        data, sidecar = self.directory / f"{name}.kv", self.directory / f"{name}.json"
        tokens = _verified(data, sidecar, key)
        if tokens is not None:
            try:
                _restore(slots, range(slots.count), data.name, tokens)
                os.utime(data)  # most recently used: kept by _prune
                return "restored"
            except SlotError:
                pass
        data.unlink(missing_ok=True)
        sidecar.unlink(missing_ok=True)
        self._build(messages, slots, key, data, sidecar)
        self._prune()
        return "built"

    def _build(self, messages: Messages, slots: Slots, key: dict[str, Any], data: Path, sidecar: Path) -> None:
        """Process the prefix on slot 0, save it under a unique temp name (so concurrent runs never
        mix their writes), publish file then sidecar atomically, and load it into the other slots."""
        self.directory.mkdir(parents=True, exist_ok=True)
        temp = self.directory / f"{data.stem}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp"
        try:
            slots.fill(0, messages)
            tokens = slots.save(0, temp.name)
            if tokens <= 0:
                raise SlotError("llama.cpp saved an empty slot")
            sha256 = _sha256(temp)
            os.replace(temp, data)
        finally:
            temp.unlink(missing_ok=True)
        record = temp.with_suffix(".json.tmp")
        record.write_text(json.dumps({"key": key, "sha256": sha256, "tokens": tokens}), encoding="utf-8")
        os.replace(record, sidecar)
        _restore(slots, range(1, slots.count), data.name, tokens)

    def _prune(self) -> None:
        """Drop all but the KEEP most recently used entries, and temp files of crashed builds. A file
        another run removes meanwhile counts as the oldest."""
        def age(path: Path) -> float:
            try:
                return time.time() - path.stat().st_mtime
            except OSError:
                return float("inf")

        for temp in self.directory.glob("*.tmp"):
            if age(temp) > STALE_TEMP_SECONDS:
                temp.unlink(missing_ok=True)
        for data in sorted(self.directory.glob("*.kv"), key=age)[KEEP:]:
            data.unlink(missing_ok=True)
            data.with_suffix(".json").unlink(missing_ok=True)


def _verified(data: Path, sidecar: Path, key: dict[str, Any]) -> int | None:
    """The entry's token count (what llama.cpp must restore) when its sidecar holds `key` and the file
    its hash; else None."""
    try:
        record = json.loads(sidecar.read_text(encoding="utf-8"))
        return record["tokens"] if record["key"] == key and _sha256(data) == record["sha256"] else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _sha256(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _restore(slots: Slots, indices: range, filename: str, tokens: int) -> None:
    for i in indices:
        if (n := slots.restore(i, filename)) != tokens:
            raise SlotError(f"slot {i} restored {n} tokens of {tokens}")


def open_slot_files(params: Any, directory: Path) -> None:
    """Let a llama.cpp server about to start with `params` save and restore slot files in `directory`.
    The slot endpoints are reached over the server's loopback listener, which other local processes
    could call too: they sit behind a key only this process knows."""
    params.slot_save_path = f"{directory}{os.sep}"  # llama.cpp prepends it to the file name as is
    params.endpoint_slots = True
    params.api_keys = [secrets.token_urlsafe(24)]


def llamacpp_setup(params: Any) -> dict[str, Any]:
    """What a llama.cpp server started with `params` makes of a prefix, besides the prefix itself."""
    import xllamacpp

    model = Path(params.model.path).resolve()
    stat = model.stat()
    return {
        # size and mtime: what the model assembler trusts to skip rehashing 1 GB on every run
        "model": {"path": str(model), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns},
        "llama.cpp": {"xllamacpp": xllamacpp.__version__, "build": xllamacpp.BUILD_INFO,
                      "cpu": xllamacpp.get_system_info().strip()},
        "layout": {"slot_context": params.n_ctx // params.n_parallel, "cache_type_k": int(params.cache_type_k),
                   "cache_type_v": int(params.cache_type_v), "flash_attn": int(params.flash_attn_type),
                   "kv_unified": params.kv_unified, "n_batch": params.n_batch, "n_ubatch": params.n_ubatch,
                   "n_gpu_layers": params.n_gpu_layers},
    }


class ServerSlots:
    """The slots of an in-process xllamacpp server started with `open_slot_files`. xllamacpp exposes
    no Python call for slot save/restore, so they go to the server's own loopback listener."""

    def __init__(self, server: Any, params: Any) -> None:
        self.server = server
        self.count = params.n_parallel
        self._key = next(iter(params.api_keys), "")  # none when the slot files are not open

    def fill(self, slot: int, messages: Messages) -> None:
        # A real request renders the prefix, then its own user turn. An empty user turn renders the
        # same tokens up to that turn's content (and keeps a last assistant example from being taken
        # as an answer to continue); the tokens after it are dropped by the first real request.
        body = {"messages": [*messages, {"role": "user", "content": ""}], "max_tokens": 1, "temperature": 0,
                "top_k": 1, "cache_prompt": True, "id_slot": slot}
        out = self.server.handle_chat_completions(body)
        if not isinstance(out, dict) or "error" in out:
            raise SlotError(f"prefix not processed: {str(out)[:200]}")

    def save(self, slot: int, filename: str) -> int:
        return self._action(slot, "save", filename, "n_saved")

    def restore(self, slot: int, filename: str) -> int:
        return self._action(slot, "restore", filename, "n_restored")

    def _action(self, slot: int, action: str, filename: str, count: str) -> int:
        """Ask the server to save or restore a slot; the number of tokens it says it moved."""
        request = urllib.request.Request(
            f"{self.server.listening_address}/slots/{slot}?action={action}",
            data=json.dumps({"filename": filename}).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self._key}"},
        )
        try:
            with _LOOPBACK.open(request, timeout=60) as response:
                return int(json.load(response)[count])
        except urllib.error.HTTPError as exc:
            raise SlotError(f"slot {slot} {action}: {exc.read()[:200].decode(errors='replace')}") from exc
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise SlotError(f"slot {slot} {action}: {exc!r}") from exc
