"""The on-disk prefix cache: reused when valid, rebuilt when its key changes, never loaded when damaged.
llama.cpp's slots are faked; tests/test_real_model.py checks the real thing gives identical outputs."""

import json
import logging
import os
from pathlib import Path
from types import SimpleNamespace

import pytest

from summarizer import settings
from summarizer.runtimes import prefix_cache
from summarizer.runtimes.prefix_cache import PrefixCache, SlotError, llamacpp_setup, open_slot_files, prepare

SETUP = {"model": {"path": "/m.gguf", "size": 10, "mtime_ns": 1}, "llama.cpp": {"xllamacpp": "1.0"},
         "layout": {"slot_context": 4096}}
PREFIX = [{"role": "system", "content": "Translate."}, {"role": "user", "content": "Bonjour"},
          {"role": "assistant", "content": "Hello"}]


class FakeSlots:
    """Slots as the cache sees them: a slot's state is the prefix it holds, which save and restore write
    and read as llama.cpp does, as files in the cache folder; a file it cannot parse is refused."""

    def __init__(self, directory: Path, count: int = 2, failing_restores: int = 0) -> None:
        self.directory = directory
        self.count = count
        self.state: list[object] = [None] * count
        self.fills = 0
        self.restored: list[object] = []
        self.failing_restores = failing_restores

    def fill(self, slot: int, messages: list[dict[str, str]]) -> None:
        self.fills += 1
        self.state[slot] = messages

    def save(self, slot: int, filename: str) -> int:
        (self.directory / filename).write_text(json.dumps(self.state[slot]), encoding="utf-8")
        return len(self.state[slot])

    def restore(self, slot: int, filename: str) -> int:
        if self.failing_restores:
            self.failing_restores -= 1
            raise SlotError("invalid slot save file")
        try:
            self.state[slot] = json.loads((self.directory / filename).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise SlotError(str(exc)) from exc
        self.restored.append(self.state[slot])
        return len(self.state[slot])


def entries(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def test_built_once_then_restored_into_every_slot(tmp_path):
    first = FakeSlots(tmp_path)
    assert PrefixCache(tmp_path, SETUP).load(PREFIX, first) == "built"
    assert first.fills == 1 and first.state == [PREFIX, PREFIX]  # processed on one slot, loaded into the other
    [sidecar, data] = entries(tmp_path)
    assert sidecar == data.replace(".kv", ".json")

    again = FakeSlots(tmp_path, count=3)
    assert PrefixCache(tmp_path, SETUP).load(PREFIX, again) == "restored"
    assert again.fills == 0 and again.state == [PREFIX] * 3
    assert len(entries(tmp_path)) == 2


@pytest.mark.parametrize("change", ["model", "llama.cpp", "layout", "prompt"])
def test_rebuilt_when_what_the_state_depends_on_changes(tmp_path, change):
    PrefixCache(tmp_path, SETUP).load(PREFIX, FakeSlots(tmp_path))
    setup, prefix = SETUP, PREFIX
    if change == "prompt":
        prefix = [{"role": "system", "content": "Translate, v2."}, *PREFIX[1:]]
    else:
        setup = {**SETUP, change: {"changed": True}}
    slots = FakeSlots(tmp_path)
    assert PrefixCache(tmp_path, setup).load(prefix, slots) == "built"
    assert slots.fills == 1 and slots.state == [prefix, prefix]
    assert slots.restored == [prefix]  # only the new state, loaded into the second slot


def _flip_a_byte(data: Path, sidecar: Path) -> None:
    raw = bytearray(data.read_bytes())
    raw[5] ^= 0x01  # same size, another content: only the hash tells
    data.write_bytes(bytes(raw))


def _truncate(data: Path, sidecar: Path) -> None:
    data.write_bytes(data.read_bytes()[:-3])


def _other_key(data: Path, sidecar: Path) -> None:
    record = json.loads(sidecar.read_text())
    record["key"]["llama.cpp"] = {"xllamacpp": "0.9"}
    sidecar.write_text(json.dumps(record))


def _garbled_sidecar(data: Path, sidecar: Path) -> None:
    sidecar.write_text('{"key": ')


def _no_sidecar(data: Path, sidecar: Path) -> None:
    sidecar.unlink()


def _no_data(data: Path, sidecar: Path) -> None:
    data.unlink()


@pytest.mark.parametrize("damage", [_flip_a_byte, _truncate, _other_key, _garbled_sidecar, _no_sidecar, _no_data])
def test_damaged_entry_is_never_loaded_but_rebuilt(tmp_path, damage):
    PrefixCache(tmp_path, SETUP).load(PREFIX, FakeSlots(tmp_path))
    [data] = tmp_path.glob("*.kv")
    damage(data, data.with_suffix(".json"))

    slots = FakeSlots(tmp_path)
    assert PrefixCache(tmp_path, SETUP).load(PREFIX, slots) == "built"
    assert slots.fills == 1 and slots.state == [PREFIX, PREFIX] and slots.restored == [PREFIX]
    assert PrefixCache(tmp_path, SETUP).load(PREFIX, FakeSlots(tmp_path)) == "restored"  # whole again


def test_entry_llamacpp_refuses_is_rebuilt(tmp_path):
    PrefixCache(tmp_path, SETUP).load(PREFIX, FakeSlots(tmp_path))
    slots = FakeSlots(tmp_path, failing_restores=1)
    assert PrefixCache(tmp_path, SETUP).load(PREFIX, slots) == "built"
    assert slots.state == [PREFIX, PREFIX]


def test_partial_restore_is_rebuilt(tmp_path):
    PrefixCache(tmp_path, SETUP).load(PREFIX, FakeSlots(tmp_path))
    [sidecar] = tmp_path.glob("*.json")
    record = json.loads(sidecar.read_text())
    sidecar.write_text(json.dumps({**record, "tokens": record["tokens"] + 1}))  # more than llama.cpp restores
    slots = FakeSlots(tmp_path)
    assert PrefixCache(tmp_path, SETUP).load(PREFIX, slots) == "built"
    assert slots.fills == 1 and slots.state == [PREFIX, PREFIX]
    assert json.loads(sidecar.read_text())["tokens"] == record["tokens"]


def test_failed_build_leaves_no_file_and_slots_compute_the_prefix(tmp_path, caplog):
    class NoSave(FakeSlots):
        def save(self, slot: int, filename: str) -> int:
            (self.directory / filename).write_text("half")
            raise SlotError("disk full")

    slots = NoSave(tmp_path)
    with caplog.at_level(logging.WARNING):
        assert prepare(PREFIX, slots, PrefixCache(tmp_path, SETUP)) == "computed"
    assert "disk full" in caplog.text
    assert entries(tmp_path) == []
    assert slots.state == [PREFIX, PREFIX]


def test_without_a_cache_every_slot_computes_the_prefix(tmp_path):
    slots = FakeSlots(tmp_path, count=3)
    assert prepare(PREFIX, slots, None) == "computed"
    assert slots.fills == 3 and slots.state == [PREFIX] * 3 and entries(tmp_path) == []


def test_unwritable_cache_folder_falls_back_to_computing(tmp_path):
    folder = tmp_path / "prefixes"
    folder.write_text("a file, not a folder")
    slots = FakeSlots(tmp_path)
    assert prepare(PREFIX, slots, PrefixCache(folder, SETUP)) == "computed"
    assert slots.state == [PREFIX, PREFIX]


def test_prune_keeps_the_most_recently_used_entries_and_drops_crashed_builds(tmp_path, monkeypatch):
    monkeypatch.setattr(prefix_cache, "KEEP", 2)
    crashed = tmp_path / "abc.123.deadbeef.tmp"
    crashed.write_text("half")
    os.utime(crashed, (0, 0))
    running = tmp_path / "abd.124.cafebabe.tmp"  # another run's build in progress
    running.write_text("half")
    cache = PrefixCache(tmp_path, SETUP)
    prefixes = [[{"role": "system", "content": f"prompt {n}"}] for n in range(3)]
    for n, prefix in enumerate(prefixes):
        cache.load(prefix, FakeSlots(tmp_path))
        for data in tmp_path.glob("*.kv"):  # distinct mtimes without sleeping
            os.utime(data, (data.stat().st_mtime - 10, data.stat().st_mtime - 10))
    assert cache.load(prefixes[0], FakeSlots(tmp_path)) == "built"  # the oldest was dropped
    assert cache.load(prefixes[2], FakeSlots(tmp_path)) == "restored"
    assert len(list(tmp_path.glob("*.kv"))) == len(list(tmp_path.glob("*.json"))) == 2
    assert not crashed.exists() and running.exists()


def _params(model: Path) -> SimpleNamespace:
    return SimpleNamespace(model=SimpleNamespace(path=str(model)), n_ctx=8192, n_parallel=2, cache_type_k=1,
                           cache_type_v=1, flash_attn_type=-1, kv_unified=False, n_batch=2048, n_ubatch=512,
                           n_gpu_layers=-1, slot_save_path="", endpoint_slots=False, api_keys=[])


def test_key_follows_the_model_file_and_the_llamacpp_build(tmp_path, monkeypatch):
    xllamacpp = pytest.importorskip("xllamacpp")
    model = tmp_path / "m.gguf"
    model.write_bytes(b"GGUF one")
    setup = llamacpp_setup(_params(model))
    assert setup["layout"]["slot_context"] == 4096
    assert llamacpp_setup(_params(model)) == setup

    model.write_bytes(b"GGUF two")
    os.utime(model, ns=(1, 1))
    assert llamacpp_setup(_params(model))["model"] != setup["model"]
    monkeypatch.setattr(xllamacpp, "__version__", "0.0.1")
    assert llamacpp_setup(_params(model))["llama.cpp"] != setup["llama.cpp"]


def test_slot_files_open_in_the_cache_folder_behind_a_fresh_key(tmp_path):
    first, second = _params(tmp_path / "m.gguf"), _params(tmp_path / "m.gguf")
    open_slot_files(first, tmp_path)
    open_slot_files(second, tmp_path)
    assert first.endpoint_slots and first.slot_save_path == f"{tmp_path}{os.sep}"
    assert len(first.api_keys) == 1 and len(first.api_keys[0]) >= 24 and first.api_keys != second.api_keys


def test_folder_setting(monkeypatch, tmp_path):
    monkeypatch.setenv("SUMMARIZER_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("SUMMARIZER_PREFIX_CACHE", raising=False)
    assert settings.prefix_cache_dir() == tmp_path / "cache" / "prefixes"
    monkeypatch.setenv("SUMMARIZER_PREFIX_CACHE", "Off")
    assert settings.prefix_cache_dir() is None
    monkeypatch.setenv("SUMMARIZER_PREFIX_CACHE", str(tmp_path / "kv"))
    assert settings.prefix_cache_dir() == tmp_path / "kv"


class _FakeServer:
    """The loopback slot endpoints of an xllamacpp server: records requests, answers from `replies`."""

    def __init__(self, replies: list[tuple[int, bytes]]) -> None:
        import http.server
        import threading

        seen = self.seen = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                seen.append((self.path, self.headers["Authorization"], body))
                status, reply = replies.pop(0)
                self.send_response(status)
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args: object) -> None:
                pass

        self.http = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.listening_address = f"http://127.0.0.1:{self.http.server_port}"
        threading.Thread(target=self.http.serve_forever, daemon=True).start()


@pytest.mark.parametrize("status, reply", [
    (400, b'{"error": {"message": "Invalid filename"}}'),
    (200, b'{"id_slot": 1}'),
    (200, b"<html>"),
])
def test_server_slots_turn_refusals_into_slot_errors(tmp_path, monkeypatch, status, reply):
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")  # the listener is never reached through a proxy
    params = _params(tmp_path / "m.gguf")
    open_slot_files(params, tmp_path)
    server = _FakeServer([(200, b'{"id_slot": 1, "n_restored": 445}'), (status, reply)])
    slots = prefix_cache.ServerSlots(server, params)
    try:
        assert slots.restore(1, "a.kv") == 445
        with pytest.raises(SlotError):
            slots.save(0, "b.tmp")
    finally:
        server.http.shutdown()
    assert server.seen == [("/slots/1?action=restore", f"Bearer {params.api_keys[0]}", {"filename": "a.kv"}),
                           ("/slots/0?action=save", f"Bearer {params.api_keys[0]}", {"filename": "b.tmp"})]


def test_slots_are_prepared_again_only_when_the_task_changes(tmp_path):
    """A batch's documents share one preparation (a second one would wipe the article another
    document has cached in a slot); another task's prefix in between makes the next call prepare."""
    slots = FakeSlots(tmp_path)
    prefix = prefix_cache.SlotPrefix(slots, PrefixCache(tmp_path, SETUP))
    other = [{"role": "system", "content": "Brief."}]
    assert prefix.ensure(PREFIX) == "built"
    assert prefix.ensure([dict(m) for m in PREFIX]) == "kept" and slots.restored == [PREFIX]
    assert prefix.ensure(other) == "built" and slots.state == [other, other]
    assert prefix.ensure(PREFIX) == "restored" and slots.state == [PREFIX, PREFIX]


def test_a_failed_preparation_is_tried_again(tmp_path):
    slots = FakeSlots(tmp_path)
    slots.fill = lambda slot, messages: (_ for _ in ()).throw(SlotError("prefix longer than the slot"))
    prefix = prefix_cache.SlotPrefix(slots, None)
    for _ in range(2):
        with pytest.raises(SlotError):
            prefix.ensure(PREFIX)


def test_concurrent_callers_prepare_once(tmp_path):
    import threading

    slots = FakeSlots(tmp_path)
    prefix = prefix_cache.SlotPrefix(slots, None)
    results: list[str] = []
    workers = [threading.Thread(target=lambda: results.append(prefix.ensure(PREFIX))) for _ in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert sorted(results) == ["computed", "kept", "kept", "kept"] and slots.fills == 2
