"""The CLI's contract: fast help, clear errors with non-zero exit codes, never a traceback."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def summarize(*args: str, stdin: bytes | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "summarizer", *args], input=stdin, capture_output=True,
                          cwd=ROOT, timeout=120, env=env)


def test_help_is_fast_and_imports_no_runtime():
    started = time.perf_counter()
    out = summarize("--help")
    assert out.returncode == 0 and b"translate" in out.stdout and b"brief" in out.stdout
    assert time.perf_counter() - started < 10
    probe = subprocess.run(
        [sys.executable, "-c", "import sys, summarizer.cli; print(sorted(m for m in ('torch', 'transformers', "
                               "'xllamacpp', 'trafilatura') if m in sys.modules))"],
        capture_output=True, text=True, cwd=ROOT)
    assert probe.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("args", "stdin", "code", "message"),
    [
        (["translate", "no/such/file.txt"], None, 2, b"no such file"),
        (["translate", "-"], b"", 2, b"empty"),
        (["translate", "-"], b"\x89PNG\r\n\x1a\n" + bytes(range(256)), 2, b"PNG"),
        (["brief", "tests"], None, 2, b"directory"),
        (["translate", "seeds/otan-irak-2021.fr.txt", "-m", "no-such-model"], None, 3, b"no-such-model"),
        (["brief", "seeds/otan-irak-2021.fr.txt", "-m", "opus-mt-fr-en"], None, 3, b"cannot write a brief"),
        (["translate", "seeds/otan-irak-2021.fr.txt", "--format", "xml"], None, 2, b"xml"),
        (["translate", "seeds/otan-irak-2021.fr.txt", "--glossary", "nope.tsv"], None, 2, b"glossary"),
        (["translate", "seeds/otan-irak-2021.fr.txt", "--candidates", "0"], None, 2, b"candidates"),
        (["brief", "seeds/otan-irak-2021.fr.txt", "--extract-from", "german"], None, 2, b"extract-from"),
    ],
)
def test_bad_input_gives_a_message_and_exit_code(args, stdin, code, message):
    out = summarize(*args, stdin=stdin)
    assert out.returncode == code, out.stderr
    assert message.lower() in out.stderr.lower()
    assert b"Traceback" not in out.stderr


def test_hub_model_not_cached_fails_fast_offline(tmp_path):
    env = {"HF_HOME": str(tmp_path), "HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"}
    started = time.perf_counter()
    out = summarize("translate", "seeds/otan-irak-2021.fr.txt", "-m", "opus-mt-fr-en", env=env)
    assert out.returncode == 3 and b"summarize models pull" in out.stderr
    assert time.perf_counter() - started < 30


def test_schema_command_prints_the_committed_schema():
    out = summarize("schema")
    assert out.returncode == 0
    assert out.stdout == (ROOT / "summarizer" / "schemas" / "brief-v1.json").read_bytes()


def test_models_list_shows_the_default():
    out = summarize("models", "list")
    assert out.returncode == 0
    assert b"qwen2.5-coder-1.5b-instruct-q4km (default)" in out.stdout


def test_output_never_overwrites_the_input(tmp_path):
    from summarizer.errors import InputError
    from summarizer.outputs import write_atomic

    src = tmp_path / "a.txt"
    src.write_text("original", encoding="utf-8")
    with pytest.raises(InputError, match="refusing to overwrite"):
        write_atomic(src, "new", protect=(src,))
    assert src.read_text(encoding="utf-8") == "original"
    write_atomic(tmp_path / "out" / "b.txt", "done", protect=(src,))
    assert (tmp_path / "out" / "b.txt").read_text(encoding="utf-8") == "done"
    assert not list((tmp_path / "out").glob("*.tmp"))


def test_version_names_tool_model_and_engine():
    out = summarize("--version")
    assert out.returncode == 0
    assert out.stdout.startswith(b"summarize ") and b"default model: qwen2.5-coder-1.5b-instruct-q4km" in out.stdout
    assert b"xllamacpp: " in out.stdout


@pytest.mark.parametrize("name", ["notes[draft].txt", "x[/b].txt", "[bold]y.txt"])
def test_file_names_are_printed_as_given_never_as_markup(name):
    out = summarize("translate", name)
    assert out.returncode == 2 and b"Traceback" not in out.stderr
    assert f"No such file: {name}".encode() in out.stderr


def test_messages_keep_brackets_and_are_not_wrapped(tmp_path, capsys):
    from summarizer import cli

    cli.say("run: pip install -e '.[embedded]' " + "x" * 200, "Error:", "red")
    err = capsys.readouterr().err
    assert "pip install -e '.[embedded]' " + "x" * 200 in err and err.count("\n") == 1
    long_dir = tmp_path / ("d" * 120)
    out = summarize("translate", str(long_dir / "missing.txt"))
    assert f"No such file: {long_dir / 'missing.txt'}\n".encode() in out.stderr


def test_bad_output_paths_are_refused_before_any_model_loads(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("L'Otan a décidé jeudi d'accroître sa présence en Irak.\n", encoding="utf-8")
    for args, message in [
        (["translate", str(src), "-o", str(src)], b"is the input file"),
        (["brief", str(src), "-o", str(tmp_path / "." / "a.txt")], b"is the input file"),
        (["translate", str(src), "-o", str(tmp_path)], b"is a folder"),
    ]:
        out = summarize(*args)
        assert out.returncode == 2 and message in out.stderr, out.stderr
        assert b"Preparing" not in out.stderr  # refused before the model was touched
    assert src.read_text(encoding="utf-8").startswith("L'Otan")


class _Server:
    """A local OpenAI-compatible server that answers every chat request with `content`."""

    def __init__(self, content: str) -> None:
        import json
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        class Handler(BaseHTTPRequestHandler):
            def _send(self, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self._send({"data": [{"id": "stub"}]})

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers["Content-Length"]))
                self._send({"choices": [{"message": {"content": content}, "finish_reason": "stop"}],
                            "usage": {"prompt_tokens": 5, "completion_tokens": 1}})

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self) -> "_Server":
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()


def test_translate_with_lost_segments_exits_4_and_names_them(tmp_path):
    import os

    src = tmp_path / "a.txt"
    src.write_text("Le Sénat a voté jeudi le texte.\n\nLe gouvernement a reporté sa décision.\n", encoding="utf-8")
    with _Server("") as server:  # every answer empty: nothing usable comes back
        env = {**os.environ, "SUMMARIZER_BASE_URL": server.url, "NO_PROXY": "*"}
        out = summarize("translate", str(src), "-m", "openai-server", "-o", str(tmp_path / "a.en.txt"), env=env)
    assert out.returncode == 4, out.stderr
    assert b"2 of 2 segment(s) have no usable translation (1.1, 2.1)" in out.stderr
    assert b"Traceback" not in out.stderr


def isolated_env(tmp_path: Path, **values: str) -> dict[str, str]:
    """The real environment without any setting, with the caches and user config under tmp_path: whatever a
    command deletes, it cannot be the user's real cache."""
    from summarizer.settings import SETTINGS

    env = {k: v for k, v in os.environ.items() if k not in {s.name for s in SETTINGS}}
    return {**env, "SUMMARIZER_CACHE": str(tmp_path / "cache"), "HF_HOME": str(tmp_path / "hf"),
            "XDG_CONFIG_HOME": str(tmp_path / "config"), "HF_HUB_OFFLINE": "1", **values}


def test_summarizer_model_sets_the_default_and_list_json_describes_every_model(tmp_path):
    env = isolated_env(tmp_path, SUMMARIZER_MODEL="opus-mt-fr-en")
    assert b"opus-mt-fr-en (default)" in summarize("models", "list", env=env).stdout
    out = summarize("models", "list", "--json", env=env)
    assert out.returncode == 0, out.stderr
    listed = json.loads(out.stdout)
    assert {tuple(m) for m in listed} == {("id", "default", "runtime", "tasks", "size_bytes", "licence", "available",
                                           "note", "disk_bytes")}
    assert [m["id"] for m in listed if m["default"]] == ["opus-mt-fr-en"]
    opus = next(m for m in listed if m["id"] == "opus-mt-fr-en")
    assert (opus["tasks"], opus["size_bytes"] > 0, opus["available"], opus["disk_bytes"]) == (["translate"], True, False, {})
    bad = summarize("translate", "seeds/otan-irak-2021.fr.txt", env=isolated_env(tmp_path, SUMMARIZER_MODEL="nope"))
    assert bad.returncode == 3 and b"SUMMARIZER_MODEL='nope' is not a model id" in bad.stderr


def test_models_rm_removes_what_the_tool_stored_and_says_how_much(tmp_path):
    from summarizer.models import load_manifests

    assembled = tmp_path / "cache" / "models" / load_manifests()["qwen2.5-coder-1.5b-instruct-q4km"].source.file
    assembled.parent.mkdir(parents=True)
    assembled.write_bytes(b"G" * 1000)
    hub_repo = tmp_path / "hf" / "hub" / "models--Helsinki-NLP--opus-mt-fr-en"
    (hub_repo / "blobs").mkdir(parents=True)
    (hub_repo / "blobs" / "abc").write_bytes(b"w" * 500)
    env = isolated_env(tmp_path)

    out = summarize("models", "rm", "qwen2.5-coder-1.5b-instruct-q4km", env=env)
    assert out.returncode == 0, out.stderr
    assert f"removed {assembled} (1.0 KB)".encode() in out.stdout and b"1000 bytes freed" in out.stdout
    assert not assembled.exists()
    out = summarize("models", "rm", "opus-mt-fr-en", env=env)
    assert out.returncode == 0 and b"500 bytes freed" in out.stdout and not hub_repo.exists()
    out = summarize("models", "rm", "opus-mt-fr-en", env=env)
    assert out.returncode == 0 and b"Nothing stored for opus-mt-fr-en" in out.stderr


def test_models_rm_refuses_a_local_path_model(tmp_path):
    gguf = tmp_path / "mine.gguf"
    gguf.write_bytes(b"GGUF")
    out = summarize("models", "rm", str(gguf), env=isolated_env(tmp_path))
    assert out.returncode == 2 and b"never your files" in out.stderr and b"Traceback" not in out.stderr
    assert gguf.exists()


def test_info_shows_settings_masked_and_folders(tmp_path):
    env = isolated_env(tmp_path, SUMMARIZER_API_KEY="sk-secret", SUMMARIZER_BASE_URL="http://me:hunter2@gpu:8000/v1")
    out = summarize("info", env=env)
    assert out.returncode == 0, out.stderr
    text = out.stdout.decode()
    assert text.startswith("summarize ") and "sk-secret" not in text and "hunter2" not in text
    assert "SUMMARIZER_API_KEY=***" in text and "SUMMARIZER_BASE_URL=http://***@gpu:8000/v1" in text
    assert "SUMMARIZER_MODEL unset, default: the manifest marked default = true" in text
    assert f"cache: {tmp_path / 'cache'} (absent)" in text
    assert f"  {ROOT / 'models'}\n  {tmp_path / 'config' / 'summarizer' / 'models'} (absent)" in text
    assert f"prompts: {ROOT / 'prompts'}" in text and f"HF cache: {tmp_path / 'hf' / 'hub'} (absent)" in text
