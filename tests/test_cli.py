"""The CLI's contract: fast help, clear errors with non-zero exit codes, never a traceback."""

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
        (["brief", "seeds/otan-irak-2021.fr.txt", "-m", "opus-mt-fr-en"], None, 1, b"does not serve"),
        (["translate", "seeds/otan-irak-2021.fr.txt", "--format", "xml"], None, 2, b"xml"),
        (["translate", "seeds/otan-irak-2021.fr.txt", "--glossary", "nope.tsv"], None, 2, b"glossary"),
        (["translate", "seeds/otan-irak-2021.fr.txt", "--candidates", "0"], None, 2, b"candidates"),
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
