"""Batch mode (summarizer.batch, summarizer.report, `summarize batch`) against a fake runtime:
resume, robustness per bad input, kill-safety under SIGKILL/SIGINT, the HTML report in a real
headless browser; one `model` test runs the real default model on two short articles.

Run as a script (`python tests/test_batch.py batch IN -o OUT`), this file is the `summarize` CLI
with the fake runtime in place of the model: the kill tests drive it in a subprocess.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Sequence
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest

from summarizer.api import Summarizer
from summarizer.batch import LOCK, MANIFEST, BatchLock, discover, read_manifest, run_batch
from summarizer.errors import InputError, ModelError
from summarizer.glossary import Glossary, default_glossary
from summarizer.prompts import load_prompt
from summarizer.report import write_index
from summarizer.runtimes.base import ChatRequest, Completion, OnResult, Runtime
from summarizer.runtimes.openai import OpenAIRuntime
from summarizer.schema import ModelDecisions

HERE = Path(__file__).resolve()
REPO = HERE.parents[1]
ARTICLES = REPO.parent / "shared/data/orangesum-sample/articles"
#: Articles containing this word make the fake model fail.
CRASH = "PANNE"
HEADER = "Translate into English:\n"

CITIES = ["Lyon", "Lille", "Nantes", "Rennes", "Toulouse", "Bordeaux", "Marseille", "Grenoble", "Dijon", "Nancy"]


def french(n: int = 0, extra: str = "") -> str:
    city = CITIES[n % len(CITIES)]
    return (
        f"Le conseil municipal de {city} vote un plan pour le logement\n\n"
        f"Le conseil municipal de {city} a voté jeudi la création de {3 + n} 500 logements sociaux d'ici 2026. "
        f"La maire a annoncé que les travaux commenceraient au printemps, pour un coût de {12 + n},5 millions d'euros. "
        f"Les élus de l'opposition ont dénoncé un projet trop coûteux et ont demandé un référendum local.{extra}\n\n"
        "Le préfet doit encore valider le calendrier, selon un communiqué publié vendredi par la mairie.\n"
    )


#: Requests per brief of the fake's one decision (on the title): decisions, its check, the lede that
#: no decision cites described alone (`Briefer.uncovered`), and the summary's three lede sentences
#: translated twice each (the fake's translation keeps the French, so each is tried once more).
BRIEF_REQUESTS = 9


class FakeRuntime(Runtime):
    """Deterministic, thread-safe stand-in for llama.cpp: decisions point at sentence 0, a translation
    is the (number-converted) source itself, so every check in translate/brief passes."""

    name = "fake"
    kind = "chat"

    def __init__(self, model_id: str = "fake-model", parallel: int = 2, delay: float = 0.0) -> None:
        self.model_id, self.parallel, self.delay = model_id, parallel, delay
        self.calls = 0
        self.inflight = self.max_inflight = 0
        self.seen: list[str] = []
        self._lock = threading.Lock()

    def _reply(self, req: ChatRequest) -> str:
        user = req.messages[-1]["content"]
        if any(CRASH in m["content"] for m in req.messages):
            raise RuntimeError("the fake model crashed")
        if req.json_schema is not None:
            return ModelDecisions.model_validate({
                "title_in_english": "Council votes a housing plan",
                "decisions": [{
                    "evidence_sentence_numbers": [0], "who_decided_in_english": "The city council",
                    "what_was_decided_in_english": "The council approved a housing plan.", "status": "adopted",
                    "when": None, "where": None, "figures": [],
                }],
            }).model_dump_json()
        if HEADER in user:
            return "EN " + user.rsplit(HEADER, 1)[1]
        return ("The city council approved a housing plan on Thursday. The opposition asked for a referendum. "
                "The vote was close.")

    def chat(self, requests: Sequence[ChatRequest], on_result: OnResult | None = None) -> list[Completion]:
        out = []
        for i, req in enumerate(requests):
            with self._lock:
                self.calls += 1
                self.inflight += 1
                self.max_inflight = max(self.max_inflight, self.inflight)
                self.seen.append(req.messages[-1]["content"])
            try:
                time.sleep(self.delay)
                text = self._reply(req)
            finally:
                with self._lock:
                    self.inflight -= 1
            completion = Completion(text, "stop", prompt_tokens=20, completion_tokens=len(text.split()))
            if on_result:
                on_result(i, completion)
            out.append(completion)
        return out

    def close(self) -> None:
        pass


class FakeServer(OpenAIRuntime):
    """An `openai-server` runtime (base URL, served model name) that answers like FakeRuntime, offline."""

    def __init__(self, base_url: str, model: str) -> None:
        super().__init__(base_url, model=model, model_id="openai-server", parallel=2)
        self.fake = FakeRuntime(model_id="openai-server")

    def chat(self, requests: Sequence[ChatRequest], on_result: OnResult | None = None) -> list[Completion]:
        return self.fake.chat(requests, on_result)


@pytest.fixture
def glossary():
    """Batch mechanics, not terms: the fake "translates" by echoing the French, which a full glossary
    would partly rewrite ("conseil municipal" → "city council")."""
    return Glossary({"Otan": "NATO"})


@pytest.fixture
def umask_022():
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def manifest_lines(out: Path) -> list[dict]:
    lines = []
    for raw in (out / MANIFEST).read_bytes().split(b"\n"):
        try:
            lines.append(json.loads(raw))
        except ValueError:
            continue
    return lines


def summarizer_on(rt: Runtime, glossary: Glossary, **options) -> Summarizer:
    """What the CLI hands run_batch, with a fake runtime and a test glossary."""
    s = Summarizer(runtime=rt, **options)
    s.glossary = glossary
    return s


def batch(rt: Runtime, glossary, inp: Path, out: Path, *, quality: str = "balanced", **kw):
    files = kw.pop("files", None)
    if files is None:
        files = discover(inp, out, kw.pop("glob", None), kw.pop("recursive", False))
    threads = kw.pop("threads", None)
    return run_batch(summarizer_on(rt, glossary, quality=quality, threads=threads), inp, out, files=files, **kw)


# ---------------------------------------------------------------------------------------------- discover


def test_discover_default_patterns_hidden_outputs_and_out_dir(tmp_path: Path) -> None:
    inp = tmp_path / "in"
    for name in ["a.txt", "b.md", "c.html", "d.HTM", "e.pdf", ".hidden.txt", "x.en.txt", "x.brief.json",
                 "x.brief.md", "manifest.jsonl", "index.html", "sub/f.txt", ".git/g.txt", "out/h.txt"]:
        write(inp, name, "texte")
    out = inp / "out"
    assert [p.name for p in discover(inp, out)] == ["a.txt", "b.md", "c.html", "d.HTM", "index.html"]
    rec = [p.relative_to(inp).as_posix() for p in discover(inp, out, recursive=True)]
    assert rec == ["a.txt", "b.md", "c.html", "d.HTM", "index.html", "sub/f.txt"]
    assert [p.name for p in discover(inp, out, glob="*.pdf")] == ["e.pdf"]
    with pytest.raises(InputError, match="not a folder"):
        discover(tmp_path / "missing", out)


def test_out_dir_that_holds_in_dir_or_is_a_file_is_refused(tmp_path: Path, glossary) -> None:
    inp = tmp_path / "in"
    write(inp, "a.txt", french())
    for out in (tmp_path, tmp_path.parent, inp, inp / "sub" / ".."):
        with pytest.raises(InputError, match="is IN_DIR or a folder that holds it"):
            discover(inp, out)
        with pytest.raises(InputError, match="is IN_DIR or a folder that holds it"):
            run_batch(summarizer_on(FakeRuntime(), glossary), inp, out, files=[inp / "a.txt"])
    write(tmp_path, "out.txt", "a file")
    with pytest.raises(InputError, match="exists and is not a folder"):
        discover(inp, tmp_path / "out.txt")
    with pytest.raises(InputError, match="exists and is not a folder"):
        BatchLock(tmp_path / "out.txt")
    assert not list(tmp_path.glob("*.brief.*"))


def test_batch_lock_is_taken_before_the_run(tmp_path: Path, glossary) -> None:
    inp, out = tmp_path / "in", tmp_path / "out"
    write(inp, "a.txt", french())
    with BatchLock(out) as lock:  # what the CLI takes before it loads the model
        with pytest.raises(InputError, match="another `summarize batch` is writing"):
            BatchLock(out)
        with pytest.raises(InputError, match="another `summarize batch` is writing"):
            batch(FakeRuntime(), glossary, inp, out)
        assert batch(FakeRuntime(), glossary, inp, out, lock=lock).counts["ok"] == 1
        with pytest.raises(ValueError, match="lock given is on"):
            batch(FakeRuntime(), glossary, inp, tmp_path / "other", lock=lock)
    assert batch(FakeRuntime(), glossary, inp, out).counts["skipped"] == 1  # released


# ---------------------------------------------------------------------------------------------- run


def test_brief_outputs_manifest_and_report(tmp_path: Path, glossary) -> None:
    inp, out = tmp_path / "in", tmp_path / "out"
    for n in range(3):
        write(inp, f"art{n}.txt", french(n))
    rt = FakeRuntime()
    seen: list[tuple[int, int, str, float]] = []
    report = batch(rt, glossary, inp, out, progress=lambda *a: seen.append(a))
    assert report.counts == {"ok": 3, "skipped": 0, "failed": 0} and report.exit_code == 0
    assert rt.calls == 3 * BRIEF_REQUESTS
    assert seen[-1][:2] == (3, 3) and report.tokens_per_s > 0
    row = report.rows[0]
    assert (row.path, row.title, row.decisions) == ("art0.txt", "Council votes a housing plan", 1) and row.tokens > 0
    entries = manifest_lines(out)
    assert len(entries) == 3
    e = read_manifest(out)["art1.txt"]
    assert e["status"] == "ok" and e["task"] == "brief" and e["model"] == "fake-model"
    assert e["prompt_versions"] == {"brief": load_prompt("brief")["version"]}
    assert e["outputs"] == {"brief_json": "art1.txt.brief.json", "brief_md": "art1.txt.brief.md"}
    assert len(e["sha256"]) == 64 and e["tokens"]["completion"] > 0 and e["finished_at"] and e["seconds"] >= 0
    brief = json.loads((out / "art1.txt.brief.json").read_text())
    assert brief["decisions"][0]["evidence"][0]["sentence"] == 0
    assert (out / "art1.txt.brief.md").read_text().startswith("# Council votes")
    assert not (out / "art1.txt.en.txt").exists()


def test_translate_and_all_tasks(tmp_path: Path, glossary) -> None:
    inp = tmp_path / "in"
    write(inp, "a.txt", french())
    report = batch(FakeRuntime(), glossary, inp, tmp_path / "t", task="translate")
    assert report.counts["ok"] == 1
    assert (tmp_path / "t/a.txt.en.txt").read_text().startswith("EN Le conseil")
    assert read_manifest(tmp_path / "t")["a.txt"]["prompt_versions"] == {"translate": load_prompt("translate")["version"]}
    rt = FakeRuntime()
    report = batch(rt, glossary, inp, tmp_path / "all", task="all")
    e = read_manifest(tmp_path / "all")["a.txt"]
    assert set(e["outputs"]) == {"translation", "brief_json", "brief_md"}
    # every request of both tasks counted once (the fake spends 20 prompt tokens a request)
    assert e["tokens"]["prompt"] == 20 * rt.calls and e["tokens"]["completion"] == report.rows[0].tokens > 0
    assert json.loads((tmp_path / "all/a.txt.brief.json").read_text())["translation"].startswith("EN ")


def test_resume_skips_done_force_redoes_changed_input_redone(tmp_path: Path, glossary) -> None:
    inp, out = tmp_path / "in", tmp_path / "out"
    for n in range(3):
        write(inp, f"a{n}.txt", french(n))
    batch(FakeRuntime(), glossary, inp, out)
    rt = FakeRuntime()
    report = batch(rt, glossary, inp, out)
    assert rt.calls == 0 and report.counts == {"ok": 0, "skipped": 3, "failed": 0} and report.exit_code == 0
    assert report.rows[0].reason.startswith("up to date") and report.rows[0].title == "Council votes a housing plan"
    assert len(manifest_lines(out)) == 3  # up-to-date inputs add no line

    rt = FakeRuntime()
    batch(rt, glossary, inp, out, force=True)
    assert rt.calls == 3 * BRIEF_REQUESTS and len(manifest_lines(out)) == 6

    write(inp, "a1.txt", french(1, " Le vote a eu lieu à main levée."))
    (out / "a2.txt.brief.md").unlink()
    rt = FakeRuntime()
    report = batch(rt, glossary, inp, out)
    assert rt.calls == 2 * BRIEF_REQUESTS and [r.status for r in report.rows] == ["skipped", "ok", "ok"]

    rt = FakeRuntime(model_id="another-model")
    batch(rt, glossary, inp, out)
    assert rt.calls == 3 * BRIEF_REQUESTS  # another model: everything is redone
    rt = FakeRuntime()
    batch(rt, glossary, inp, out, task="translate")
    assert read_manifest(out)["a0.txt"]["task"] == "translate"  # another task: redone, latest line wins


@pytest.mark.parametrize("change", ["base_url", "served_model", "quality", "glossary", "calques", "articleless", "version"])
def test_resume_key_change_means_redo(tmp_path: Path, glossary, monkeypatch, change: str) -> None:
    inp, out = tmp_path / "in", tmp_path / "out"
    write(inp, "a.txt", french())

    def calls(base_url: str = "http://gpu-1:8000/v1", model: str = "qwen-7b", quality: str = "balanced",
              gloss: Glossary = glossary) -> int:
        with FakeServer(base_url, model) as rt:
            batch(rt, gloss, inp, out, task="all", quality=quality)
        return rt.fake.calls

    assert calls() > 0 and calls() == 0
    if change == "version":
        monkeypatch.setattr("summarizer.batch.__version__", "99.0")
    changed = {
        "base_url": {"base_url": "http://gpu-2:8000/v1"}, "served_model": {"model": "llama-70b"},
        "quality": {"quality": "fast"}, "glossary": {"gloss": glossary.merge(Glossary({"Matignon": "Matignon"}))},
        "calques": {"gloss": Glossary(glossary.terms, {"Otan": ["Otan"]})},
        "articleless": {"gloss": Glossary(glossary.terms, glossary.calques, ["OTSC"])}, "version": {},
    }[change]
    assert calls(**changed) > 0  # redone
    assert calls(**changed) == 0 and len(manifest_lines(out)) == 2


def test_brief_only_ignores_the_translation_quality(tmp_path: Path, glossary) -> None:
    inp, out = tmp_path / "in", tmp_path / "out"
    write(inp, "a.txt", french())
    batch(FakeRuntime(), glossary, inp, out, quality="best")
    rt = FakeRuntime()
    batch(rt, glossary, inp, out, quality="fast")
    assert rt.calls == 0


def test_truncated_manifest_line_is_tolerated(tmp_path: Path, glossary) -> None:
    inp, out = tmp_path / "in", tmp_path / "out"
    write(inp, "a.txt", french(0))
    write(inp, "b.txt", french(1))
    batch(FakeRuntime(), glossary, inp, out)
    with (out / MANIFEST).open("ab") as f:
        f.write(b'{"path": "a.txt", "status": "fai')  # a crash in the middle of a line
    assert read_manifest(out)["a.txt"]["status"] == "ok"
    rt = FakeRuntime()
    batch(rt, glossary, inp, out)
    assert rt.calls == 0
    write(inp, "b.txt", french(1, " Fin."))
    batch(FakeRuntime(), glossary, inp, out)
    raw = (out / MANIFEST).read_text().split("\n")
    assert raw[2] == '{"path": "a.txt", "status": "fai' and json.loads(raw[3])["path"] == "b.txt"
    assert read_manifest(out)["b.txt"]["status"] == "ok"


def test_second_batch_on_the_same_out_dir_is_refused_until_the_first_is_killed(tmp_path: Path, glossary) -> None:
    inp, out = tmp_path / "in", tmp_path / "out"
    write(inp, "a.txt", french())
    holder = subprocess.Popen(  # a running batch in another process
        [sys.executable, "-c", "import sys; from summarizer.batch import BatchLock; "
         "lock = BatchLock(sys.argv[1]); print('held', flush=True); sys.stdin.read()", str(out)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline() == "held\n"
        with pytest.raises(InputError, match="another `summarize batch` is writing"):
            batch(FakeRuntime(), glossary, inp, out)
    finally:
        holder.kill()  # no release: the OS drops a killed run's lock
        holder.communicate()
    assert batch(FakeRuntime(), glossary, inp, out).counts["ok"] == 1


def test_bad_inputs_never_stop_the_run(tmp_path: Path, glossary) -> None:
    inp, out = tmp_path / "in", tmp_path / "out"
    write(inp, "00 empty.txt", b"")
    write(inp, "01 image.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    write(inp, "02 nul.txt", b"abc\x00\x01\x02" * 100)
    write(inp, "03 latin1.txt", french(3).encode("latin-1"))
    write(inp, "04 english.txt", "The city council voted on Thursday to build 3,500 social housing units by 2026. "
          "The mayor said the work would start in spring, at a cost of 12.5 million euros. "
          "Opposition members criticised an expensive project and asked for a local referendum.\n")
    write(inp, "05 page.html", (
        "<!doctype html><html><head><title>Lyon vote un plan pour le logement</title></head><body>"
        "<nav>Accueil | Politique</nav><article><h1>Lyon vote un plan pour le logement</h1>"
        + "".join(f"<p>{p}</p>" for p in french(5).split("\n\n")[1:])
        + "</article><footer>Mentions légales</footer></body></html>"))
    write(inp, "06 Élection à Noël, spéciale.txt", french(6))
    write(inp, "07 panne.txt", french(7, f" Une {CRASH} générale."))
    write(inp, "08 huge.txt", "Un très long article\n\n" + " ".join(french(n).split("\n\n")[1] for n in range(40)))
    inputs = {p: p.read_bytes() for p in inp.iterdir()}
    report = batch(FakeRuntime(), glossary, inp, out, task="all")
    status = {r.path: (r.status, r.reason) for r in report.rows}
    assert status["00 empty.txt"] == ("skipped", "00 empty.txt is empty.")
    assert status["01 image.txt"][0] == "skipped" and "PNG image" in status["01 image.txt"][1]
    assert status["02 nul.txt"][0] == "skipped" and "binary" in status["02 nul.txt"][1]
    assert status["03 latin1.txt"][0] == "ok"
    assert status["04 english.txt"] == ("skipped", "not French (detected: en)")
    assert status["05 page.html"][0] == "ok"
    assert status["06 Élection à Noël, spéciale.txt"][0] == "ok"
    assert status["07 panne.txt"] == ("failed", "RuntimeError: the fake model crashed")
    assert status["08 huge.txt"][0] == "ok"
    assert report.counts == {"ok": 4, "skipped": 4, "failed": 1} and report.exit_code == 1
    assert (out / "06 Élection à Noël, spéciale.txt.brief.json").is_file()
    assert "Le conseil municipal de Bordeaux" in (out / "05 page.html.en.txt").read_text()
    assert "Mentions" not in (out / "05 page.html.en.txt").read_text()
    huge = (out / "08 huge.txt.en.txt").read_text()
    assert all(city in huge for city in CITIES)
    failed = read_manifest(out)["07 panne.txt"]
    assert failed["error"] == "RuntimeError: the fake model crashed" and failed["outputs"] == {}
    assert not list(out.glob("07 panne.*"))
    assert {p: p.read_bytes() for p in inp.iterdir()} == inputs  # inputs untouched


def test_symlink_outside_in_dir_not_followed(tmp_path: Path, glossary) -> None:
    inp, out = tmp_path / "in", tmp_path / "out"
    write(inp, "a.txt", french(0))
    secret = write(tmp_path / "elsewhere", "secret.txt", french(1, " SECRET-XYZ."))
    (inp / "link.txt").symlink_to(secret)
    (inp / "inside.txt").symlink_to(inp / "a.txt")
    (inp / "broken.txt").symlink_to(tmp_path / "nothing.txt")
    rt = FakeRuntime()
    report = batch(rt, glossary, inp, out)
    status = {r.path: (r.status, r.reason) for r in report.rows}
    assert status["link.txt"][0] == "skipped" and "symlink not followed" in status["link.txt"][1]
    assert status["broken.txt"] == ("skipped", "broken symlink")
    assert status["inside.txt"][0] == "ok" and status["a.txt"][0] == "ok"
    assert not any("SECRET-XYZ" in s for s in rt.seen)
    assert not (out / "link.txt.brief.json").exists()


def test_out_dir_inside_in_dir_never_read_and_same_dir_refused(tmp_path: Path, glossary) -> None:
    inp = tmp_path / "in"
    write(inp, "a.txt", french(0))
    write(inp, "sub/b.txt", french(1))
    out = inp / "results"
    batch(FakeRuntime(), glossary, inp, out, glob="*", recursive=True)
    assert sorted(read_manifest(out)) == ["a.txt", "sub/b.txt"]
    assert (out / "sub/b.txt.brief.json").is_file()  # outputs mirror the input tree
    write_index(out)
    rt = FakeRuntime()
    report = batch(rt, glossary, inp, out, glob="*", recursive=True)
    assert [r.path for r in report.rows] == ["a.txt", "sub/b.txt"] and rt.calls == 0
    # a file given explicitly from inside OUT_DIR is not read either
    report = batch(FakeRuntime(), glossary, inp, out, files=[out / "a.txt.brief.md"])
    assert report.rows[0].status == "skipped" and report.rows[0].reason == "inside OUT_DIR: not read"
    with pytest.raises(InputError, match="is IN_DIR or a folder that holds it"):
        discover(inp, inp / "." / "sub" / "..")
    with pytest.raises(InputError, match="is IN_DIR or a folder that holds it"):
        run_batch(summarizer_on(FakeRuntime(), glossary), inp, inp, files=[inp / "a.txt"])


def test_outputs_never_overwrite_inputs(tmp_path: Path, glossary) -> None:
    inp, out = tmp_path / "in", tmp_path / "out"
    a = write(inp, "a.txt", french(0))
    out.mkdir()
    (out / "a.txt.brief.json").symlink_to(a)  # the output path leads to the input
    report = batch(FakeRuntime(), glossary, inp, out)
    assert report.rows[0].status == "failed" and "refusing to overwrite the input" in report.rows[0].reason
    assert a.read_text(encoding="utf-8") == french(0)


@pytest.mark.parametrize("folder", ["", "sub/"])
def test_output_names_are_injective(tmp_path: Path, glossary, folder: str) -> None:
    inp, out = tmp_path / "in", tmp_path / "out"
    names = [f"{folder}a.txt", f"{folder}a.html", f"{folder}a.txt.md"]
    for n, name in enumerate(names):
        write(inp, name, french(n))
    if folder:
        write(inp, "sub.txt", french(3))  # beside the folder, of the folder's name
        names.append("sub.txt")
    report = batch(FakeRuntime(), glossary, inp, out, task="all", recursive=bool(folder))
    assert report.counts["ok"] == len(names)
    for n, name in enumerate(names):
        e = read_manifest(out)[name]
        assert e["outputs"] == {"translation": f"{name}.en.txt", "brief_json": f"{name}.brief.json",
                                "brief_md": f"{name}.brief.md"}
        assert f"conseil municipal de {CITIES[n]}" in (out / f"{name}.en.txt").read_text()  # its own article
        assert json.loads((out / f"{name}.brief.json").read_text())["source"]["file"] == Path(name).name
    written = [p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and p.name not in (MANIFEST, LOCK)]
    assert len(written) == 3 * len(names)


@pytest.mark.parametrize("parallel", [1, 2])
def test_documents_run_concurrently_up_to_runtime_parallel(tmp_path: Path, glossary, parallel: int) -> None:
    inp = tmp_path / "in"
    for n in range(4):
        write(inp, f"a{n}.txt", french(n))
    rt = FakeRuntime(parallel=parallel, delay=0.1)
    report = batch(rt, glossary, inp, tmp_path / "out", threads=4)
    assert report.counts["ok"] == 4 and rt.max_inflight == parallel


@pytest.mark.parametrize(("threads", "local", "in_flight"), [(2, True, 1), (1, True, 1), (2, False, 3), (3, True, 3)])
def test_few_local_cores_run_one_document_at_a_time(tmp_path: Path, glossary, threads: int, local: bool,
                                                    in_flight: int) -> None:
    """Two documents on two cores split the cores (measured slower than one after another); a remote
    server's concurrency does not depend on the cores here."""
    inp = tmp_path / "in"
    for n in range(4):
        write(inp, f"a{n}.txt", french(n))
    rt = FakeRuntime(parallel=3, delay=0.1)
    rt.local = local
    report = batch(rt, glossary, inp, tmp_path / "out", threads=threads, task="translate")
    assert report.counts["ok"] == 4 and rt.max_inflight == in_flight


def test_input_named_like_the_report_is_skipped_with_a_reason(tmp_path: Path, glossary) -> None:
    inp, out = tmp_path / "in", tmp_path / "out"
    write(inp, "a.txt", french(0))
    write(inp, "index.html", f"<html><body><p>{french(1)}</p></body></html>")
    write(inp, "sub/index.html", f"<html><body><p>{french(2)}</p></body></html>")
    report = batch(FakeRuntime(), glossary, inp, out, recursive=True)
    status = {r.path: (r.status, r.reason) for r in report.rows}
    assert status["a.txt"][0] == "ok"
    for name in ("index.html", "sub/index.html"):
        assert status[name][0] == "skipped" and "named like the batch's own index.html" in status[name][1]
        assert read_manifest(out)[name]["status"] == "skipped"
    write_index(out, inp)
    assert "Articles" in (out / "index.html").read_text()  # the report, not an article


def test_outputs_have_normal_permissions(tmp_path: Path, glossary, umask_022) -> None:
    inp, out = tmp_path / "in", tmp_path / "out"
    write(inp, "a.txt", french(0))
    write(inp, "sub/b.txt", french(1))
    batch(FakeRuntime(), glossary, inp, out, task="all", recursive=True)
    write_index(out, inp)
    files = [p for p in out.rglob("*") if p.is_file()]
    assert len(files) == 2 * 4 + 3  # 3 outputs and a page per input, the manifest, its lock and the index
    assert {p.relative_to(out).as_posix(): p.stat().st_mode & 0o777 for p in files} == dict.fromkeys(
        [p.relative_to(out).as_posix() for p in files], 0o644)


def test_other_runtime_kind_refused_for_brief(tmp_path: Path, glossary) -> None:
    rt = FakeRuntime()
    rt.kind = "seq2seq"
    write(tmp_path / "in", "a.txt", french())
    with pytest.raises(ModelError, match="cannot write a brief: it is a seq2seq model"):
        batch(rt, glossary, tmp_path / "in", tmp_path / "out")
    assert read_manifest(tmp_path / "out") == {}  # refused before any input


# ---------------------------------------------------------------------------------------------- CLI


def cli_command(*args: str) -> list[str]:
    return [sys.executable, str(HERE), "batch", *args]


def test_cli_exit_code_and_summary(tmp_path: Path) -> None:
    inp, out = tmp_path / "in", tmp_path / "out"
    write(inp, "a.txt", french(0))
    write(inp, "b.txt", french(1, f" {CRASH}."))

    def cli(*args: str) -> tuple[int, str]:  # stderr with rich's line wrapping undone
        proc = subprocess.run(cli_command(*args), check=False, capture_output=True, text=True, timeout=120)
        return proc.returncode, " ".join(proc.stderr.split())

    rc, stderr = cli(str(inp), "-o", str(out))
    assert rc == 1, stderr
    assert "1 ok, 0 skipped, 1 failed" in stderr and "index.html" in stderr
    assert (out / "index.html").is_file()
    (inp / "b.txt").unlink()
    rc, stderr = cli(str(inp), "-o", str(out))
    assert rc == 0 and "0 ok, 1 skipped, 0 failed" in stderr
    rc, stderr = cli(str(tmp_path / "empty"), "-o", str(out))
    assert rc == 2 and "not a folder" in stderr


def test_cli_takes_the_lock_before_loading_and_passes_quality(tmp_path: Path) -> None:
    inp, out = tmp_path / "in", tmp_path / "out"
    write(inp, "a.txt", french(0))
    with BatchLock(out):
        proc = subprocess.run(cli_command(str(inp), "-o", str(out)), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "another `summarize batch`" in proc.stderr
    assert "fake model loaded" not in proc.stderr
    proc = subprocess.run(cli_command(str(inp), "-o", str(out), "--task", "translate", "--quality", "fast"),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert read_manifest(out)["a.txt"]["quality"] == "fast"


def _interrupt_then_resume(tmp_path: Path, sig: int) -> subprocess.CompletedProcess | int:
    """Interrupt a CLI run, then resume it in process with the CLI's (default) glossary."""
    glossary = default_glossary()
    inp, out = tmp_path / "in", tmp_path / "out"
    names = [f"article {n}.txt" for n in range(8)]
    for n, name in enumerate(names):
        write(inp, name, french(n))
    # A shell without job control starts background jobs with SIGINT ignored, and children inherit
    # that: restore the default so that the test means the same however pytest was started.
    proc = subprocess.Popen(cli_command(str(inp), "-o", str(out), "--parallel", "2"),
                            env={**os.environ, "FAKE_RUNTIME_DELAY": "0.4"},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    while not ((out / MANIFEST).exists() and (out / MANIFEST).read_bytes().count(b"\n") >= 1):
        assert proc.poll() is None and time.monotonic() < deadline, "no manifest line appeared"
        time.sleep(0.02)
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=30)
    first = manifest_lines(out)
    assert 1 <= len(first) < len(names), "the run was not interrupted mid-way"
    assert all(e["status"] == "ok" for e in first)
    # what a kill in the middle of write_atomic leaves behind
    (out / ".article 7.txt.brief.json.k1ll3d_x.tmp").write_text('{"half": ')

    rt = FakeRuntime()
    report = batch(rt, glossary, inp, out)
    assert report.exit_code == 0
    assert rt.calls == BRIEF_REQUESTS * (len(names) - len(first))  # nothing finished is redone
    entries = manifest_lines(out)
    assert {e["path"]: e["status"] for e in entries} == dict.fromkeys(names, "ok")
    assert Counter(e["path"] for e in entries) == Counter(names)  # each input ok exactly once
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    referenced = {o for e in read_manifest(out).values() for o in e["outputs"].values()}
    assert {p.name for p in out.iterdir()} == referenced | {MANIFEST, LOCK}
    for rel in referenced:
        if rel.endswith(".json"):
            json.loads((out / rel).read_text())
    return proc.returncode, stderr


def test_sigkill_mid_run_then_resume(tmp_path: Path) -> None:
    rc, _ = _interrupt_then_resume(tmp_path, signal.SIGKILL)
    assert rc == -signal.SIGKILL


def test_sigint_mid_run_exits_130_then_resume(tmp_path: Path) -> None:
    rc, stderr = _interrupt_then_resume(tmp_path, signal.SIGINT)
    assert rc == 130 and "Interrupted" in stderr


# ---------------------------------------------------------------------------------------------- report in a browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


class _Dom(HTMLParser):
    """Rows of table.index, links, <mark> texts and all visible text of a dumped DOM."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict] = []
        self.links: list[str] = []
        self.marks: list[str] = []
        self.text: list[str] = []
        self.tags: Counter = Counter()
        self._in_mark = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags[tag] += 1
        if tag == "tr" and "article" in (a.get("class") or "").split():
            self.rows.append({"class": a["class"], "links": []})
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
            if self.rows:
                self.rows[-1]["links"].append(a["href"])
        if tag == "mark":
            self._in_mark = True
            self.marks.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark":
            self._in_mark = False

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in_mark:
            self.marks[-1] += data


def render(url: str, profile: Path) -> _Dom:
    proc = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
         "--dump-dom", url],
        check=False, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0 and "<html" in proc.stdout, proc.stderr[-2000:]
    dom = _Dom()
    dom.feed(proc.stdout)
    return dom


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install -y chromium)")
def test_report_in_headless_chromium(tmp_path: Path, glossary) -> None:
    inp, out = tmp_path / "in", tmp_path / "out"
    write(inp, "a <script>alert(1).txt", french(0).replace("logement", "logement <script>x</script> & co", 1))
    write(inp, "b été.txt", french(1))
    write(inp, "c.txt", "The city council voted on Thursday to build new social housing units in the centre. "
          "The mayor said the work would start in spring and cost a lot of money.\n")
    write(inp, "d.txt", b"")
    write(inp, "e.txt", french(4, f" {CRASH}."))
    batch(FakeRuntime(), glossary, inp, out, task="all")
    index = write_index(out, inp)

    dom = render(index.as_uri(), tmp_path / "profile")
    assert len(dom.rows) == 5
    assert [r["class"].split()[1] for r in dom.rows] == ["ok", "ok", "skipped", "skipped", "failed"]
    text = " ".join(dom.text)
    assert text.count("Council votes a housing plan") == 2
    assert "not French (detected: en)" in text and "d.txt is empty." in text and "the fake model crashed" in text
    assert dom.tags["script"] == 0  # names and titles are escaped, not markup
    assert all(not r["links"] for r in dom.rows[2:])

    page_url = urljoin(index.as_uri(), dom.rows[1]["links"][0])
    page_path = Path(unquote(urlparse(page_url).path))
    assert page_path == out / "b été.txt.report.html" and page_path.is_file()
    page = render(page_url, tmp_path / "profile")
    page_text = " ".join(page.text)
    assert page.marks == ["Le conseil municipal de Lille vote un plan pour le logement"]  # evidence: sentence 0
    assert "Le préfet doit encore valider le calendrier" in page_text  # French (source) column
    assert "EN Le préfet doit encore valider le calendrier" in page_text  # English column
    summary = json.loads((out / "b été.txt.brief.json").read_text(encoding="utf-8"))["summary"]
    assert summary.startswith("EN ") and " ".join(summary.split()) in " ".join(page_text.split())
    assert "The council approved a housing plan." in page_text  # decisions table
    assert any(h.endswith("index.html") for h in page.links)
    bad = render(urljoin(index.as_uri(), dom.rows[0]["links"][0]), tmp_path / "profile")
    assert bad.tags["script"] == 0 and "<script>x</script> & co" in " ".join(bad.text)


def test_report_without_source_shows_evidence_only(tmp_path: Path, glossary) -> None:
    inp, out = tmp_path / "in", tmp_path / "out"
    write(inp, "a.txt", french(0))
    batch(FakeRuntime(), glossary, inp, out)
    write_index(out, inp)
    assert "Le préfet doit encore valider" in (out / "a.txt.report.html").read_text()  # the whole source
    (inp / "a.txt").write_text(french(0, " Modifié."), encoding="utf-8")  # changed since: not the processed text
    write_index(out, inp)
    html = (out / "a.txt.report.html").read_text()
    assert "has changed since it was processed" in html
    assert re.search(r'<mark id="s0">\[0\] Le conseil municipal de Lyon vote', html)


def test_report_does_not_trust_the_manifest(tmp_path: Path, glossary, caplog) -> None:
    inp, out = tmp_path / "work/in", tmp_path / "work/out"
    write(inp, "a.txt", french(0))
    batch(FakeRuntime(), glossary, inp, out)
    good = read_manifest(out)["a.txt"]
    brief = (out / good["outputs"]["brief_json"]).read_text()
    secret = write(tmp_path / "work", "secret.brief.json", brief.replace("approved a housing plan", "SECRET-XYZ"))
    (tmp_path / "work/elsewhere").mkdir()
    (out / "link").symlink_to(tmp_path / "work/elsewhere")
    lines = [
        {**good, "path": "x.txt", "name": "../../x"},  # the old name field, edited
        {**good, "path": "../../y.txt"},
        {**good, "path": str(tmp_path / "work/z.txt")},
        {**good, "path": "link/w.txt"},  # through a symlink inside OUT_DIR that leads out of it
        {**good, "path": "b.txt", "outputs": {"brief_json": "../secret.brief.json"}},
        {**good, "path": "c.txt", "outputs": {"brief_json": str(secret)}},
        {**good, "path": "d.txt", "outputs": ["a.txt.brief.json"]},
        {**good, "path": "e.txt", "status": 3},
        {**good, "path": "f.txt", "decisions": "many", "seconds": "long"},
        {**good, "path": "g.txt", "title": {"html": "<b>"}},
        {**good, "path": "h.txt", "outputs": {"brief_json": MANIFEST}},  # inside OUT_DIR, but not a brief
        {"path": 5}, [1, 2], "text",
    ]
    with (out / MANIFEST).open("a") as f:
        f.write("".join(json.dumps(line) + "\n" for line in lines) + "garbage {\n" + "\xff\n")
    before = sorted(p for p in tmp_path.rglob("*") if out not in p.parents)
    write_index(out, inp)
    assert sorted(p for p in tmp_path.rglob("*") if out not in p.parents) == before  # nothing written outside
    pages = {p.relative_to(out).as_posix() for p in out.rglob("*.report.html")}
    assert pages == {"a.txt.report.html", "x.txt.report.html", "h.txt.report.html"}
    html = "".join(p.read_text() for p in out.rglob("*.html"))
    assert "SECRET-XYZ" not in html
    assert (out / "index.html").read_text().count('<tr class="article ok">') == 3
    warned = " ".join(r.getMessage() for r in caplog.records)
    for path in ("../../y.txt", str(tmp_path / "work/z.txt"), "link/w.txt", "b.txt", "c.txt", "d.txt", "e.txt",
                 "f.txt", "g.txt"):
        assert f"'{path}'" in warned, path
    assert warned.count("is not an entry") == 5 and f"{MANIFEST} is not a brief" in warned


# ---------------------------------------------------------------------------------------------- real model


@pytest.mark.model
def test_batch_with_the_real_default_model(tmp_path: Path) -> None:
    inp, out = tmp_path / "in", tmp_path / "out"
    inp.mkdir()
    for name in ("10064.txt", "28776.txt"):
        shutil.copy(ARTICLES / name, inp / name)
    proc = subprocess.run([sys.executable, "-m", "summarizer", "batch", str(inp), "-o", str(out), "--task", "brief"],
                          check=False, capture_output=True, text=True, timeout=1800)
    assert proc.returncode == 0, proc.stderr[-3000:]
    latest = read_manifest(out)
    assert sorted(latest) == ["10064.txt", "28776.txt"]
    for name, e in latest.items():
        assert e["status"] == "ok" and e["tokens"]["completion"] > 0
        brief = json.loads((out / e["outputs"]["brief_json"]).read_text())
        assert brief["summary"] and brief["source"]["sha256"] == e["sha256"]
        assert (out / e["outputs"]["brief_md"]).is_file() and (out / f"{name}.report.html").is_file()
    assert (out / "index.html").read_text().count('<tr class="article ok">') == 2


if __name__ == "__main__":  # the CLI, with the fake runtime instead of a model (see the module docstring)
    from summarizer import cli

    def fake_load(model: str | None, options, *tasks: str) -> Summarizer:
        print("fake model loaded", file=sys.stderr)
        delay = float(os.environ.get("FAKE_RUNTIME_DELAY", "0"))
        return Summarizer(runtime=FakeRuntime(parallel=options.parallel, delay=delay), options=options)

    cli._load = fake_load
    sys.argv = ["summarize", *sys.argv[1:]]
    cli.run()
