"""Batch mode: every article of a folder, with one loaded model, resumable and safe to kill.

Kill-safety rests on three rules:

* Outputs are written atomically (temp file, fsync, rename) *before* the input's manifest line,
  so a manifest ``ok`` line always points at complete outputs. A kill in between only costs
  that input being redone.
* ``OUT_DIR/manifest.jsonl`` is appended one whole line per input, with a single ``write`` on
  an ``O_APPEND`` descriptor followed by ``fsync``, only from the main thread. A line cut short
  by a crash is terminated before the next run appends, and readers skip lines that do not parse.
* OUT_DIR is locked for the run (an OS file lock, `BatchLock`), so two batches never write one
  OUT_DIR, and temp files a killed run left behind are swept at the start of the next one.

Resuming is reading the manifest: the latest line per input wins, and an input whose latest
line is ``ok`` for the same key (see `_Run.key`: the input's bytes and everything else that
changes an output), with its outputs present, is not redone and gets no new line (so the
manifest never holds the same work twice).

Outputs are named after the whole input path (``a.txt`` → ``a.txt.brief.json``, see
`naming.output_name`), so no two inputs ever share an output, whatever else the folder holds.
"""

from __future__ import annotations

import contextlib
import fnmatch
import hashlib
import json
import os
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from filelock import FileLock, Timeout

from . import __version__
from .brief import brief_json, brief_markdown
from .documents import parse_document
from .errors import GenerationError, InputError, SummarizerError
from .glossary import Glossary
from .naming import OUTPUT_SUFFIXES, is_output_name, output_name
from .outputs import is_inside, write_atomic
from .runtimes.base import ChatRequest, Completion, OnResult, Runtime, Usage
from .runtimes.openai import OpenAIRuntime

if TYPE_CHECKING:
    from .api import Summarizer

Task = Literal["translate", "brief", "all"]
#: What each batch task runs, in order: the Summarizer tasks (each needs its model loaded).
TASK_STEPS: dict[str, tuple[str, ...]] = {"translate": ("translate",), "brief": ("brief",),
                                          "all": ("translate", "brief")}
TASKS: tuple[str, ...] = tuple(TASK_STEPS)
BatchProgress = Callable[[int, int, str, float], None]

MANIFEST = "manifest.jsonl"
#: The file locked while a batch writes OUT_DIR (a killed run's lock is dropped by the OS).
LOCK = ".batch.lock"
INDEX = "index.html"
#: Input patterns when no --glob is given: the formats documents.py reads.
DEFAULT_GLOBS: tuple[str, ...] = ("*.txt", "*.md", "*.html", "*.htm")
TASK_OUTPUTS: dict[str, tuple[str, ...]] = {
    "translate": ("translation",),
    "brief": ("brief_json", "brief_md"),
    "all": ("translation", "brief_json", "brief_md"),
}
#: Names of OUT_DIR's own files: an input so named is listed, then skipped with a reason.
RESERVED_NAMES: frozenset[str] = frozenset({MANIFEST, INDEX})
#: write_atomic's temp files (".NAME.<random>.tmp") for our outputs, left behind only by a kill.
_STALE_TMP = re.compile(
    rf"^\.(?:.+(?:{'|'.join(map(re.escape, OUTPUT_SUFFIXES))})|{re.escape(INDEX)})\.\w+\.tmp$"
)


def _check_out_dir(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"OUT_DIR {out_dir} exists and is not a folder")


def _check_dirs(in_dir: Path, out_dir: Path) -> None:
    """Refuse an OUT_DIR that is IN_DIR or holds it: every input would lie inside OUT_DIR, which
    is never read, so the run would skip them all and still exit 0."""
    if not in_dir.is_dir():
        raise InputError(f"{in_dir} is not a folder")
    _check_out_dir(out_dir)
    if is_inside(in_dir.resolve(), out_dir.resolve()):
        raise InputError(f"OUT_DIR {out_dir} is IN_DIR or a folder that holds it: "
                         "outputs must go outside IN_DIR (or into a new folder inside it)")


def discover(in_dir: Path, out_dir: Path, glob: str | None = None, recursive: bool = False) -> list[Path]:
    """Candidate inputs under `in_dir`, sorted: files matching `glob` (default: DEFAULT_GLOBS).

    Matching is case-insensitive, on the file name (on the path relative to `in_dir` when the
    pattern has a "/"). Hidden files and folders, our own outputs and `out_dir` (when it lies
    inside `in_dir`) are left out; folder symlinks are never followed. File symlinks and files
    named like OUT_DIR's own (index.html) are listed: `run_batch` records them as skipped, with
    the reason, instead of dropping them unseen.
    """
    in_dir = Path(in_dir)
    _check_dirs(in_dir, Path(out_dir))
    out_real = Path(out_dir).resolve()
    patterns = [p.lower() for p in ((glob,) if glob else DEFAULT_GLOBS)]
    found: list[Path] = []
    for root, dirs, names in os.walk(in_dir, followlinks=False):
        here = Path(root)
        dirs[:] = [] if not recursive else sorted(
            d for d in dirs if not d.startswith(".") and (here / d).resolve() != out_real
        )
        for name in names:
            path = here / name
            if name.startswith(".") or is_output_name(name):
                continue
            rel = path.relative_to(in_dir).as_posix().lower()
            if not any(fnmatch.fnmatchcase(rel if "/" in p else name.lower(), p) for p in patterns):
                continue
            if path.is_symlink() or path.is_file():
                found.append(path)
    return sorted(found, key=lambda p: p.relative_to(in_dir).as_posix())


# --- manifest ------------------------------------------------------------------------------------


def read_manifest(out_dir: Path, warn: Callable[[str], None] | None = None) -> dict[str, dict[str, Any]]:
    """The latest entry per input path. Lines that are not a JSON object with a string "path"
    (a crash mid-write, a bad hand edit) are skipped, and passed to `warn` if given. Entries are
    otherwise unchecked: readers validate what they use."""
    latest: dict[str, dict[str, Any]] = {}
    try:
        raw = (Path(out_dir) / MANIFEST).read_bytes()
    except FileNotFoundError:
        return latest
    for n, line in enumerate(raw.split(b"\n"), 1):
        try:
            entry = json.loads(line)
        except ValueError:
            entry = None
        if isinstance(entry, dict) and isinstance(entry.get("path"), str):
            latest[entry["path"]] = entry
        elif line.strip() and warn:
            warn(f"{MANIFEST} line {n} is not an entry (cut short by a crash, or edited): skipped")
    return latest


class BatchLock:
    """Exclusive hold on OUT_DIR for one batch (a lock on OUT_DIR/.batch.lock) and its append-only
    manifest.jsonl.

    Take it before the slow start (loading a model) so that a second batch on the same OUT_DIR
    is refused at once, and hold it while the report is written:
    `with BatchLock(out_dir) as lock: ... run_batch(..., lock=lock); write_index(out_dir, in_dir)`.
    Raises InputError when another batch holds it. Temp files a killed run left are swept here,
    when no other run can be writing them.
    """

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = Path(out_dir)
        _check_out_dir(self.out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        # An OS lock (flock on Unix, LockFileEx on Windows) on a file of its own: the OS drops it
        # when a run is killed, and the manifest stays readable by other handles on Windows. The
        # file is kept, so OUT_DIR holds the same files on every platform, killed run or not.
        self._os_lock = FileLock(self.out_dir / LOCK, blocking=False, preserve_lock_file=True)
        try:
            self._os_lock.acquire()
        except Timeout:
            raise InputError(f"another `summarize batch` is writing to {self.out_dir}; wait for it to end") from None
        try:
            flags = os.O_RDWR | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0)  # Windows: no \r\n
            self.fd = os.open(self.out_dir / MANIFEST, flags, 0o666)
        except BaseException:
            self._os_lock.release()
            raise
        if os.fstat(self.fd).st_size:
            os.lseek(self.fd, -1, os.SEEK_END)
            if os.read(self.fd, 1) != b"\n":
                self._write(b"\n")  # end the line a crash cut short, so ours starts clean
        _sweep_temp_files(self.out_dir)

    def _write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(self.fd, view):]
        os.fsync(self.fd)

    def append(self, entry: dict[str, Any]) -> None:
        self._write((json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8"))

    def close(self) -> None:
        os.close(self.fd)
        self._os_lock.release()

    def __enter__(self) -> BatchLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _sweep_temp_files(out_dir: Path) -> None:
    """Remove temp files of our outputs that a killed run left (we hold the manifest lock)."""
    for root, _dirs, names in os.walk(out_dir):
        for name in names:
            if name.endswith(".tmp") and _STALE_TMP.match(name):
                Path(root, name).unlink(missing_ok=True)


# --- report --------------------------------------------------------------------------------------


@dataclass
class FileRow:
    """One input's outcome in this run (also for inputs found up to date)."""

    path: str
    status: str  # ok | skipped | failed
    title: str | None = None
    decisions: int | None = None
    seconds: float = 0.0
    tokens: int = 0  # generated (completion) tokens
    reason: str | None = None


@dataclass
class BatchReport:
    rows: list[FileRow] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def counts(self) -> dict[str, int]:
        c = Counter(r.status for r in self.rows)
        return {s: c.get(s, 0) for s in ("ok", "skipped", "failed")}

    @property
    def tokens(self) -> int:
        return sum(r.tokens for r in self.rows)

    @property
    def tokens_per_s(self) -> float:
        return self.tokens / self.seconds if self.seconds > 0 else 0.0

    @property
    def exit_code(self) -> int:
        return 1 if self.counts["failed"] else 0


# --- one input -----------------------------------------------------------------------------------


class _Cancelled(BaseException):
    """Raised in workers after Ctrl-C; a BaseException so that no `except Exception` records it."""


class _Metered(Runtime):
    """A shared runtime as one document sees it: counts the document's tokens (in `usage`, which
    every model the document uses shares) and stops it after Ctrl-C."""

    def __init__(self, inner: Runtime, stop: threading.Event, usage: Usage, on_tokens: Callable[[int], None]) -> None:
        self.inner, self.stop, self.usage, self.on_tokens = inner, stop, usage, on_tokens
        self.name, self.kind, self.model_id, self.parallel = inner.name, inner.kind, inner.model_id, inner.parallel
        self.context, self.local = inner.context, inner.local

    def _count(self, out: list[Completion]) -> list[Completion]:
        self.on_tokens(self.usage.add(out).completion_tokens)
        return out

    def chat(self, requests: Sequence[ChatRequest], on_result: OnResult | None = None) -> list[Completion]:
        if self.stop.is_set():
            raise _Cancelled
        return self._count(self.inner.chat(requests, on_result))

    def translate(self, texts: Sequence[str], max_tokens: int = 512, on_result: OnResult | None = None) -> list[Completion]:
        if self.stop.is_set():
            raise _Cancelled
        return self._count(self.inner.translate(texts, max_tokens, on_result))

    def cache_prefix(self, messages: list[dict[str, str]]) -> None:
        self.inner.cache_prefix(messages)

    def close(self) -> None:
        """Nothing to release: the caller owns and closes the real runtime."""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _server(runtime: Runtime) -> dict[str, str] | None:
    """What a server-backed runtime really runs: the same model id may name another server or model."""
    if isinstance(runtime, OpenAIRuntime):
        return {"base_url": runtime.base_url, "model": runtime.served_model()}
    return None


def _glossary_sha256(glossary: Glossary) -> str:
    entries = {"terms": glossary.terms, "calques": glossary.calques, "articleless": glossary.articleless}  # all change the outputs
    return _sha256(json.dumps(entries, sort_keys=True, ensure_ascii=False).encode("utf-8"))


@dataclass
class _Job:
    path: Path
    rel: str


#: Local cores up to which a batch runs one document at a time. On 2 cores, 10 briefs with two
#: documents in flight took 1.32x as long as one after another (bench/RESULTS.md, "Batch mode"):
#: decoding two streams there is compute-bound like prompt processing, so overlapping documents
#: only splits the cores, while one document's own parallel requests still use every slot.
SERIAL_MAX_CORES = 2


def documents_at_once(runtimes: Sequence[Runtime], threads: int | None) -> int:
    """How many documents a batch keeps in flight: one per slot of the widest runtime, or one where a
    runtime computes on this machine with at most `SERIAL_MAX_CORES` threads (`threads`, else the CPUs)."""
    cores = threads or os.cpu_count() or 1
    if cores <= SERIAL_MAX_CORES and any(r.local for r in runtimes):
        return 1
    return max(r.parallel for r in runtimes)


class _Run:
    """State shared by the workers of one run_batch call."""

    def __init__(self, summarizer: Summarizer, in_dir: Path, out_dir: Path, task: str, force: bool,
                 previous: dict[str, dict[str, Any]], progress: BatchProgress | None, total: int) -> None:
        self.summarizer, self.task, self.force, self.previous = summarizer, task, force, previous
        self.in_real, self.out_dir, self.out_real = in_dir.resolve(), out_dir, out_dir.resolve()
        self.stop = threading.Event()
        tasks = TASK_STEPS[task]
        runtimes = {t: summarizer.load(t) for t in tasks}  # refuses, before any input, a model unfit for a task
        #: documents in flight: one per slot of the widest model (a document waits for a free slot on
        #: every model it uses), except one at a time for a model on few local cores
        self.parallel = documents_at_once(list(runtimes.values()), summarizer.options.threads)
        versions: dict[str, str] = {}
        if "translate" in tasks:
            versions["translate"] = summarizer.translator().prompt_version
        if "brief" in tasks:
            versions["brief"] = summarizer.briefer().prompt_version
        options = summarizer.options
        servers = [_server(r) for r in dict.fromkeys(runtimes.values())]
        #: Everything besides the input's bytes that changes an output; any difference means redo.
        self.key: dict[str, Any] = {
            "task": task, "model": " + ".join(dict.fromkeys(r.model_id for r in runtimes.values())),
            "server": servers[0] if len(servers) == 1 else servers, "prompt_versions": versions,
            "quality": None if task == "brief" else options.quality,
            "candidates": None if task == "brief" else options.candidates,
            "extract_from": None if task == "translate" else options.extract_from,
            "glossary_sha256": _glossary_sha256(summarizer.glossary), "keep_boilerplate": options.keep_boilerplate,
            "version": __version__,
        }
        self.runtime_names = " + ".join(dict.fromkeys(r.name for r in runtimes.values()))
        self.callback, self.total = progress, total
        self.lock = threading.Lock()
        self.done, self.tokens, self.started = 0, 0, time.perf_counter()

    # progress is reported from workers (start, tokens) and the main thread (done): one lock.
    def notify(self, name: str, *, tokens: int = 0, done: bool = False) -> None:
        with self.lock:
            self.tokens += tokens
            self.done += done
            if self.callback:
                rate = self.tokens / max(time.perf_counter() - self.started, 1e-9)
                self.callback(self.done, self.total, name, rate)

    def refusal(self, path: Path) -> str | None:
        """Why an input is not read at all, or None."""
        if path.name in RESERVED_NAMES:
            return f"named like the batch's own {path.name}: not read (rename it to process it)"
        real = path.resolve()
        if path.is_symlink() and not real.exists():
            return "broken symlink"
        if not is_inside(real, self.in_real):
            return f"leads to {real}, outside IN_DIR: symlink not followed"
        if is_inside(real, self.out_real):
            return "inside OUT_DIR: not read"
        if not real.is_file():
            return "not a regular file"
        return None

    def outputs(self, rel: str) -> dict[str, str]:
        return {kind: output_name(rel, kind) for kind in TASK_OUTPUTS[self.task]}

    def up_to_date(self, entry: dict[str, Any] | None, rel: str, sha: str) -> bool:
        """Whether the latest entry is ok for this very work, with its outputs present (an entry
        is compared whole, never followed: its paths may have been edited)."""
        outputs = self.outputs(rel)
        return bool(
            entry
            and entry.get("status") == "ok"
            and entry.get("sha256") == sha
            and all(entry.get(k) == v for k, v in self.key.items())
            and entry.get("outputs") == outputs
            and all((self.out_dir / p).is_file() for p in outputs.values())
        )

    def process(self, job: _Job) -> tuple[FileRow, dict[str, Any] | None]:
        """Do one input; returns its row and the manifest entry to append (None: up to date)."""
        if self.stop.is_set():
            raise _Cancelled
        self.notify(job.rel)
        started = time.perf_counter()
        entry: dict[str, Any] = {
            "path": job.rel, "source": str(job.path.absolute()), "sha256": None, **self.key,
            "runtime": self.runtime_names,
        }
        usage = Usage()
        summarizer = self.summarizer.view(lambda rt: _Metered(rt, self.stop, usage,
                                                              lambda n: self.notify(job.rel, tokens=n)))
        try:
            reason = self.refusal(job.path)
            if reason:
                return self._finish(entry, started, usage, status="skipped", reason=reason)
            data = job.path.read_bytes()
            entry["sha256"] = _sha256(data)
            prev = self.previous.get(job.rel)
            if not self.force and self.up_to_date(prev, job.rel, entry["sha256"]):
                title, decisions = prev.get("title"), prev.get("decisions")
                row = FileRow(job.rel, "skipped", title if isinstance(title, str) else None,
                              decisions if type(decisions) is int else None,
                              reason=f"up to date (done {prev.get('finished_at', '')})")
                return row, None
            try:
                doc = parse_document(data, job.path.name, path=job.path,
                                     keep_boilerplate=self.summarizer.options.keep_boilerplate)
            except InputError as exc:
                return self._finish(entry, started, usage, status="skipped", reason=str(exc))
            entry["title"] = doc.title
            if doc.language != "fr":
                return self._finish(entry, started, usage, status="skipped",
                                    reason=f"not French (detected: {doc.language})")
            outputs, details = self._work(doc, job, summarizer)
            entry.update(details)
            return self._finish(entry, started, usage, status="ok", outputs=outputs)
        except Exception as exc:  # noqa: BLE001 -- one input's failure never stops the run
            message = str(exc) if isinstance(exc, SummarizerError) else f"{type(exc).__name__}: {exc}"
            return self._finish(entry, started, usage, status="failed", error=message)

    def _work(self, doc: Any, job: _Job, summarizer: Summarizer) -> tuple[dict[str, str], dict[str, Any]]:
        """Run the task; write outputs (atomically, never over the input); return them and details."""
        files: dict[str, str] = {}
        details: dict[str, Any] = {}
        timings: dict[str, float] = {}
        translation = None
        if self.task in ("translate", "all"):
            translation = summarizer.translate(doc)
            if translation.lost:
                lost = [f"{s.label}: {'; '.join(s.issues) or 'empty'}" for s in translation.lost]
                raise GenerationError(f"no usable translation for segment(s) {', '.join(lost[:3])}")
            details["flagged_segments"] = sum(1 for s in translation.segments if s.issues)
            timings["translation"] = round(translation.seconds, 3)
            files["translation"] = translation.text()
        if self.task in ("brief", "all"):
            brief = summarizer.brief(doc, translation=translation)
            timings.update(brief.timings)
            details["title"] = brief.source.title_en or brief.source.title_fr
            details["decisions"] = len(brief.decisions)
            files["brief_json"] = brief_json(brief)
            files["brief_md"] = brief_markdown(brief)
        if self.stop.is_set():
            raise _Cancelled  # after Ctrl-C nothing more is written
        outputs = self.outputs(job.rel)
        for kind, text in files.items():
            write_atomic(self.out_dir / outputs[kind], text, protect=(job.path,))
        details["timings"] = timings
        return outputs, details

    def _finish(self, entry: dict[str, Any], started: float, usage: Usage, *, status: str,
                outputs: dict[str, str] | None = None, reason: str | None = None,
                error: str | None = None) -> tuple[FileRow, dict[str, Any]]:
        seconds = round(time.perf_counter() - started, 3)
        entry.update(status=status, outputs=outputs or {}, seconds=seconds,
                     tokens={"prompt": usage.prompt_tokens, "completion": usage.completion_tokens}, finished_at=_now())
        if reason:
            entry["reason"] = reason
        if error:
            entry["error"] = error
        row = FileRow(entry["path"], status, entry.get("title"), entry.get("decisions"), seconds,
                      usage.completion_tokens, reason or error)
        return row, entry


def run_batch(
    summarizer: Summarizer,
    in_dir: Path,
    out_dir: Path,
    *,
    task: Task = "brief",
    files: Sequence[Path] | None = None,
    force: bool = False,
    progress: BatchProgress | None = None,
    lock: BatchLock | None = None,
) -> BatchReport:
    """Process `files` (default: `discover(in_dir, out_dir)`) into `out_dir` with `summarizer`'s
    model(s) and options, up to its `parallel` documents at once, appending one manifest line per
    input processed. `lock`: the caller's `BatchLock` on `out_dir` (default: taken and released here).

    Ctrl-C (KeyboardInterrupt) cancels what has not started, lets nothing more be written and
    re-raises; every line already in the manifest stays valid.
    """
    if task not in TASKS:
        raise InputError(f"unknown task {task!r}; choose one of {', '.join(TASKS)}")
    in_dir, out_dir = Path(in_dir), Path(out_dir)
    _check_dirs(in_dir, out_dir)
    if lock is not None and lock.out_dir.resolve() != out_dir.resolve():
        raise ValueError(f"the lock given is on {lock.out_dir}, not on {out_dir}")
    files = discover(in_dir, out_dir) if files is None else files
    rels = [os.path.relpath(os.path.abspath(p), os.path.abspath(in_dir)).replace(os.sep, "/") for p in files]
    outside = [r for r in rels if r.startswith("../")]
    if outside:
        raise InputError(f"{outside[0]} is not inside {in_dir}")
    jobs = [_Job(Path(in_dir, r), r) for r in dict.fromkeys(rels)]

    with BatchLock(out_dir) if lock is None else contextlib.nullcontext(lock) as held:
        state = _Run(summarizer, in_dir, out_dir, task, force, read_manifest(out_dir), progress, len(jobs))
        rows = _execute(state, jobs, held)
    order = {r: i for i, r in enumerate(j.rel for j in jobs)}
    rows.sort(key=lambda row: order[row.path])
    return BatchReport(rows=rows, seconds=time.perf_counter() - state.started)


def _execute(state: _Run, jobs: list[_Job], manifest: BatchLock) -> list[FileRow]:
    """Run the jobs on a thread pool; manifest lines are appended here, in the main thread only."""
    rows: list[FileRow] = []
    pool = ThreadPoolExecutor(max_workers=max(1, min(state.parallel, len(jobs))),
                              thread_name_prefix="batch")
    pending: set[Future] = {pool.submit(state.process, job) for job in jobs}
    try:
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                row, entry = future.result()
                if entry is not None:
                    manifest.append(entry)
                rows.append(row)
                state.notify(row.path, done=True)
    except BaseException:
        state.stop.set()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return rows
