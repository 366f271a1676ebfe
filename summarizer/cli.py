"""The `summarize` command line: a thin layer over the library (argument parsing, progress, output)."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable, Iterator
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from . import settings
from .errors import GenerationError, InputError, ModelError, SummarizerError
from .naming import OUTPUT_KINDS
from .translate import MAX_CANDIDATES, QUALITY

app = typer.Typer(
    help="Offline French news → English translations and decision briefs, on local open models.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
models_app = typer.Typer(help="List, locate, fetch and remove models.", no_args_is_help=True)
app.add_typer(models_app, name="models")

# Markup off: messages carry user data (file names such as "notes[draft].txt", install hints such
# as '.[embedded]') that rich would otherwise read as tags. No hard wrap: a logged message or a
# command in it must survive copy-paste whatever the terminal width.
err = Console(stderr=True, markup=False, highlight=False, soft_wrap=True)
state = {"verbose": False}


def say(message: str, label: str = "", style: str = "") -> None:
    """One message on stderr, optionally after a coloured label ("Error:", "Warning:")."""
    err.print(Text.assemble((label + " ", style), message) if label else Text(message))


class TextFormat(str, Enum):
    text = "text"
    md = "md"
    json = "json"


QualityLevel = Enum("QualityLevel", {q: q for q in QUALITY}, type=str)

ModelOpt = Annotated[
    Optional[str],
    typer.Option("-m", "--model", help="Model: a manifest id (see `summarize models list`), a Hub repo id, or a local path."),
]
ThreadsOpt = Annotated[Optional[int], typer.Option("--threads", help="CPU threads (default: all cores).", min=1)]
ParallelOpt = Annotated[int, typer.Option("--parallel", help="Requests decoded at once (llama.cpp slots / batch size).", min=1)]
GlossaryOpt = Annotated[
    Optional[Path], typer.Option("--glossary", help="Extra glossary (TOML or TSV) on top of the default one.")
]
KeepBoilerplateOpt = Annotated[bool, typer.Option("--keep-boilerplate", help="Keep web boilerplate lines.")]
QualityOpt = Annotated[QualityLevel, typer.Option("--quality", help="Translation: fast: one pass; balanced: + a retry "
                                                  "of segments that fail a check; best: 3 candidates each, ~3x slower.")]
CandidatesOpt = Annotated[int | None, typer.Option("--candidates", min=1, max=MAX_CANDIDATES, help="Translations per "
                                                   "segment, the most agreed-on kept (overrides the quality level's 1 or 3; "
                                                   "each one costs a full decode).")]
ExtractFromOpt = Annotated[str, typer.Option("--extract-from", help="Brief: read the decisions from the french "
                                             "article, or from its english translation (every sentence translated "
                                             "first: slower; the French sentences stay the evidence).")]
OutOpt = Annotated[Optional[Path], typer.Option("-o", "--output", help="Write to this file (atomically) instead of stdout.")]


def _version(value: bool) -> None:
    if not value:
        return
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    from . import __version__
    from .models import default_model

    try:
        model = default_model().id
    except SummarizerError as exc:
        model = f"none ({exc})"
    print(f"summarize {__version__}\ndefault model: {model}")
    for engine in ("xllamacpp", "transformers", "torch"):  # the engines behind llama.cpp and HF models
        try:
            print(f"{engine}: {installed(engine)}")
        except PackageNotFoundError:
            print(f"{engine}: not installed")
    raise typer.Exit()


@app.callback()
def main(
    verbose: Annotated[bool, typer.Option("-v", "--verbose", help="Show runtime logs.")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version, the default model and the engines, then exit.")] = False,
) -> None:
    state["verbose"] = verbose


def run() -> None:
    """Console entry point: user-facing errors become a message and an exit code, not a traceback."""
    try:
        app()
    except SummarizerError as exc:
        say(str(exc), "Error:", "red")
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        say("Interrupted.")
        sys.exit(130)


@contextlib.contextmanager
def progress_bar(label: str) -> Iterator[Callable[[int, int], None]]:
    """Progress on stderr; yields `update(done, total)`. A rich bar on a terminal; in logs
    (stderr redirected) a plain line at every tenth of the way."""
    if not err.is_terminal:
        shown = {"step": -1}

        def plain(done: int, total: int) -> None:
            step = done * 10 // max(total, 1)
            if step != shown["step"]:
                shown["step"] = step
                say(f"{label}: {done}/{total}")

        yield plain
        return
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=err, transient=True,
    ) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def _load(model: str | None, options, *tasks: str):
    """A Summarizer with the model of each task loaded, every model checked for its task first."""
    from .api import Summarizer

    summarizer = Summarizer(model, options=options, verbose=state["verbose"])
    for task in tasks:
        summarizer.require(task)
    for task in tasks:
        with progress_bar(f"Preparing {summarizer.spec_for(task).id}") as update:
            summarizer.load(task, progress=update)
    return summarizer


def _read(source: str, keep_boilerplate: bool):
    from .documents import looks_french, read_document

    doc = read_document(source, keep_boilerplate=keep_boilerplate)
    if doc.removed:
        labels = sorted({r.label for r in doc.removed})
        say(f"Removed {len(doc.removed)} boilerplate line(s) ({', '.join(labels)}); --keep-boilerplate keeps them.")
    for warning in doc.warnings:
        say(warning, "Warning:", "yellow")
    if not looks_french(doc):
        say(f"{doc.name} does not look French (detected: {doc.language}).", "Warning:", "yellow")
    return doc


def _check_output(output: Path | None, source: str) -> None:
    """Refuse, before any model is loaded, an output path that would fail or destroy the input."""
    if output is None:
        return
    if output.is_dir():
        raise InputError(f"-o {output} is a folder; give a file name")
    if source != "-" and Path(source).exists() and output.resolve() == Path(source).resolve():
        raise InputError(f"-o {output} is the input file; refusing to overwrite it")


def _emit(text: str, output: Path | None, inputs: tuple[Path, ...] = ()) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    from .outputs import write_atomic

    write_atomic(output, text, protect=inputs)
    say(f"Wrote {output}")


@app.command()
def translate(
    source: Annotated[str, typer.Argument(help="French article (.txt, .md, .html) or - for stdin.")],
    model: ModelOpt = None,
    output: OutOpt = None,
    fmt: Annotated[TextFormat, typer.Option("--format", "-f", help="text, md, or json (aligned segments).")] = TextFormat.text,
    lines: Annotated[bool, typer.Option("--lines", help="Each input line is a segment; exactly one output line per input line.")] = False,
    glossary: GlossaryOpt = None,
    keep_boilerplate: KeepBoilerplateOpt = False,
    quality: QualityOpt = QualityLevel.balanced,
    candidates: CandidatesOpt = None,
    threads: ThreadsOpt = None,
    parallel: ParallelOpt = 2,
) -> None:
    """Translate a French article into English, keeping its structure."""
    from .api import Options

    _check_output(output, source)
    options = Options(quality=quality.value, candidates=candidates, glossary=glossary,
                      keep_boilerplate=keep_boilerplate, parallel=parallel, threads=threads)
    if lines:
        from .documents import read_text_lines

        texts = read_text_lines(source)
        doc = None
    else:
        doc = _read(source, keep_boilerplate)
    with _load(model, options, "translate") as summarizer, progress_bar("Translating") as update:
        result = summarizer.translate_lines(texts, update) if doc is None else summarizer.translate(doc, update)
    for seg in result.segments:
        if seg.issues:
            say("; ".join(seg.issues), f"Check segment {seg.label}:", "yellow")
    say(
        f"{len(result.segments)} segments in {result.seconds:.1f} s, "
        f"{result.completion_tokens / max(result.seconds, 1e-9):.1f} generated tokens/s ({result.model}, {result.runtime})"
    )
    if fmt is TextFormat.json:
        data = result.as_dict()
        if doc is not None:
            data["source"] = {"name": doc.name, "sha256": doc.sha256, "language": doc.language}
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    elif fmt is TextFormat.md and doc is not None:
        text = result.markdown()
    else:
        text = "\n".join(s.target for s in result.segments) + "\n" if doc is None else result.text()
    inputs = (Path(source),) if source != "-" else ()
    _emit(text, output, inputs)
    if result.lost:
        raise GenerationError(
            f"{len(result.lost)} of {len(result.segments)} segment(s) have no usable translation "
            f"({', '.join(seg.label for seg in result.lost)}): the output is incomplete"
        )


class BriefFormat(str, Enum):
    json = "json"
    md = "md"


@app.command()
def brief(
    source: Annotated[str, typer.Argument(help="French article (.txt, .md, .html) or - for stdin.")],
    model: ModelOpt = None,
    output: OutOpt = None,
    fmt: Annotated[BriefFormat, typer.Option("--format", "-f", help="json (schema brief-v1) or md.")] = BriefFormat.json,
    with_translation: Annotated[bool, typer.Option("--with-translation", help="Include the English translation.")] = False,
    quality: QualityOpt = QualityLevel.balanced,
    candidates: CandidatesOpt = None,
    extract_from: ExtractFromOpt = "french",
    glossary: GlossaryOpt = None,
    keep_boilerplate: KeepBoilerplateOpt = False,
    threads: ThreadsOpt = None,
    parallel: ParallelOpt = 2,
) -> None:
    """English summary + the key decisions as JSON (schema brief-v1), each proven by source sentences."""
    from .api import Options
    from .brief import brief_json, brief_markdown

    _check_output(output, source)
    options = Options(quality=quality.value, candidates=candidates, extract_from=extract_from, glossary=glossary,
                      keep_boilerplate=keep_boilerplate, parallel=parallel, threads=threads)
    doc = _read(source, keep_boilerplate)
    tasks = ("brief", "translate") if with_translation else ("brief",)
    with _load(model, options, *tasks) as summarizer, progress_bar("Briefing") as update:
        result = summarizer.brief(doc, with_translation=with_translation, progress=update)
    g = result.grounding
    say(
        f"{len(result.decisions)} decision(s), {len(g.dropped)} dropped, {g.flagged} flagged "
        f"in {result.timings['total']:.1f} s ({result.model.id})"
    )
    if g.ignored_sentences:
        say(f"{len(g.ignored_sentences)} sentence(s) addressed to a language model were ignored: "
            + " | ".join(g.ignored_sentences), "Warning:", "yellow")
    text = brief_json(result) if fmt is BriefFormat.json else brief_markdown(result)
    _emit(text, output, (Path(source),) if source != "-" else ())


@app.command()
def schema() -> None:
    """Print the JSON Schema of the brief (brief-v1)."""
    from .schema import brief_json_schema_text

    sys.stdout.write(brief_json_schema_text())


@models_app.command("list")
def models_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON array, an object per model.")] = False,
) -> None:
    """Show every known model, whether it is available here, its size and licence, and the disk it takes."""
    from .models import availability, disk_usage, human_size, load_manifests

    listed = [(spec, *availability(spec), disk_usage(spec)) for spec in load_manifests().values()]
    if as_json:
        data = [{"id": spec.id, "default": spec.default, "runtime": spec.runtime, "tasks": spec.tasks,
                 "size_bytes": spec.size_bytes, "licence": spec.licence, "available": ok, "note": note,
                 "disk_bytes": disk}
                for spec, ok, note, disk in listed]
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    console = Console()
    rows = []
    for spec, ok, note, disk in listed:
        size = f"{spec.size_bytes / 1e9:.2f} GB" if spec.size_bytes else "-"
        rows.append((spec.id + (" (default)" if spec.default else ""), spec.runtime, ",".join(spec.tasks),
                     size, spec.licence, ("yes " if ok else "no ") + note,
                     " + ".join(f"{where} {human_size(n)}" for where, n in disk.items()) or "-"))
    if not console.is_terminal:  # piped: one tab-separated line per model, for scripts
        print("\n".join("\t".join(r) for r in rows))
        return
    table = Table("id", "runtime", "tasks", "size", "licence", "available", "on disk")
    for row in rows:
        table.add_row(*map(Text, row[:5]), Text(row[5], style="green" if row[5].startswith("yes") else "red"),
                      Text(row[6]))
    console.print(table)


@models_app.command("path")
def models_path(model_id: Annotated[Optional[str], typer.Argument(help="Model id, Hub repo id or path.")] = None) -> None:
    """Print the resolved local path of a model (assembling embedded parts first if needed)."""
    from .models import local_path, resolve

    spec = resolve(model_id)
    with progress_bar(f"Assembling {spec.id}") as update:
        path = local_path(spec, progress=update)
    print(path)


@models_app.command("pull")
def models_pull(model_id: Annotated[str, typer.Argument(help="Model id or Hub repo id.")]) -> None:
    """Fetch a Hub model into the Hugging Face cache (needs the Hub to be reachable)."""
    from .models import pull, resolve

    spec = resolve(model_id)
    with progress_bar(f"Fetching {spec.id}") as update:
        path = pull(spec, progress=update)
    print(path)


@models_app.command("rm")
def models_rm(model_id: Annotated[str, typer.Argument(help="Model id or Hub repo id.")]) -> None:
    """Delete what summarize stored for a model: an assembled embedded model, or a Hub model's HF cache folder.

    pip-installed parts (`pip uninstall` owns them) and a model at a path of yours are never deleted.
    """
    from .models import human_size, remove, resolve

    spec = resolve(model_id)
    removed = remove(spec)
    if not removed:
        say(f"Nothing stored for {spec.id}: nothing removed.")
        return
    for path, size in removed:
        print(f"removed {path} ({human_size(size)})")
    total = sum(size for _, size in removed)
    print(f"{spec.id}: {total} bytes freed ({human_size(total)})")


@app.command()
def info() -> None:
    """Show the version, every setting (environment variable) in force, and the folders summarize uses."""
    from . import __version__
    from .models import manifest_dirs
    from .prompts import prompts_dir

    def folder(path: Path) -> str:
        return f"{path}" if path.is_dir() else f"{path} (absent)"

    lines = [f"summarize {__version__}", "settings:"]
    for s in settings.SETTINGS:
        shown = s.shown()
        lines.append(f"  {s.name}={shown}" if shown is not None else f"  {s.name} unset, default: {s.default}")
    lines += [f"cache: {folder(settings.cache_dir())}", "manifest folders (later ones win):",
              *(f"  {folder(d)}" for d in manifest_dirs()),
              f"prompts: {folder(prompts_dir())}", f"HF cache: {folder(settings.hf_hub_cache())}"]
    print("\n".join(lines))


@app.command()
def serve(
    model: ModelOpt = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on (0.0.0.0: all interfaces).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port (0: any free port).", min=0, max=65535)] = 8080,
    parallel: ParallelOpt = 2,
    threads: ThreadsOpt = None,
    context: Annotated[int, typer.Option("--context", help="Context window per slot (tokens).", min=512)] = 8192,
    api_key: Annotated[
        Optional[str],
        typer.Option("--api-key", envvar=settings.API_KEY.name, help="Require this bearer token from clients."),
    ] = None,
) -> None:
    """Serve a GGUF model over an OpenAI-compatible API (/v1/chat/completions) until Ctrl-C.

    Other machines then run `summarize … -m openai-server` with SUMMARIZER_BASE_URL=http://HOST:PORT/v1.
    """
    from .engines import require
    from .models import local_path, resolve
    from .serve import serve as run_server

    spec = resolve(model)
    if host not in ("127.0.0.1", "localhost", "::1") and not api_key:
        say(f"listening on {host} without --api-key: anyone who reaches it can use it.", "Warning:", "yellow")

    def ready(url: str) -> None:
        say(f"Serving {spec.id} at {url}/v1 ({parallel} slots); Ctrl-C stops.")

    require("serve", model_id=spec.id, interface=spec.kind, engine_name=spec.runtime)
    with progress_bar(f"Preparing {spec.id}") as update:  # assemble embedded weights with a progress bar
        local_path(spec, progress=update)
    run_server(spec, host=host, port=port, parallel=parallel, threads=threads, context=context,
               api_key=api_key, verbose=state["verbose"], on_ready=ready)


@app.command("eval")
def eval_command(
    output: Annotated[Path, typer.Argument(help=f"A brief (.json), a translation (.txt) or a folder of *{OUTPUT_KINDS['brief_json']} / *{OUTPUT_KINDS['translation']}.")],
    gold: Annotated[Path, typer.Argument(help="A NAME.gold.json file or a folder of them (matched to outputs by NAME).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the full results as JSON.")] = False,
) -> None:
    """Score outputs against hand-written gold files, per output and pooled over a folder.

    Briefs: key-decision recall, precision, duplicates, status / actor / figure accuracy, evidence
    grounding, summary fact recall, numbers not in the source, seconds. Translations: chrF, BLEU.
    """
    from .evaluate import COLUMNS, evaluate_path, signatures, table_rows, totals

    results = evaluate_path(output, gold)
    if as_json:
        data = {"results": results, "total": totals(results)}
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    console, rows, notes = Console(), table_rows(results), signatures(results)
    if not console.is_terminal:  # piped: tab-separated, a header line first, for scripts and logs
        print("\n".join("\t".join(r) for r in [COLUMNS, *rows] + [[n] for n in notes]))
        return
    table = Table(*COLUMNS, caption="\n".join(notes) or None)
    for row in rows:
        table.add_row(*map(Text, row), end_section=row[0] == "total")
    console.print(table)


class BatchTask(str, Enum):
    translate = "translate"
    brief = "brief"
    all = "all"


@app.command()
def batch(
    in_dir: Annotated[Path, typer.Argument(help="Folder of French articles (.txt, .md, .html, .htm).")],
    out_dir: Annotated[Path, typer.Option("-o", "--output", help="Folder for outputs, manifest.jsonl and index.html.")],
    task: Annotated[BatchTask, typer.Option("--task", help=f"translate (NAME{OUTPUT_KINDS['translation']}), "
                                         f"brief (NAME{OUTPUT_KINDS['brief_json']}, NAME{OUTPUT_KINDS['brief_md']}) or all.")] = BatchTask.brief,
    glob: Annotated[Optional[str], typer.Option("--glob", help="Input file pattern (default: *.txt, *.md, *.html, *.htm).")] = None,
    recursive: Annotated[bool, typer.Option("--recursive", help="Also read sub-folders (outputs mirror them).")] = False,
    model: ModelOpt = None,
    parallel: ParallelOpt = 2,
    threads: ThreadsOpt = None,
    force: Annotated[bool, typer.Option("--force", help="Redo inputs the manifest already has as done.")] = False,
    glossary: GlossaryOpt = None,
    keep_boilerplate: KeepBoilerplateOpt = False,
    quality: QualityOpt = QualityLevel.balanced,
    candidates: CandidatesOpt = None,
    extract_from: ExtractFromOpt = "french",
) -> None:
    """Every article of a folder with one loaded model: resumable (rerun to continue), safe to interrupt.

    Exit code 1 when some article failed; OUT_DIR/index.html shows every article side by side.
    """
    from .api import Options
    from .batch import TASK_STEPS, BatchLock, discover
    from .report import write_index

    options = Options(quality=quality.value, candidates=candidates, extract_from=extract_from, glossary=glossary,
                      keep_boilerplate=keep_boilerplate, parallel=parallel, threads=threads)
    files = discover(in_dir, out_dir, glob, recursive)  # refuses an OUT_DIR that is IN_DIR, above it, or a file
    if not files:
        raise InputError(f"no input files in {in_dir} (pattern: {glob or '*.txt, *.md, *.html, *.htm'})")
    with BatchLock(out_dir) as lock:  # before the model loads: a second run stops at once
        tasks = TASK_STEPS[task.value]
        with _load(model, options, *tasks) as summarizer:
            report = _run_batch(summarizer, in_dir, out_dir, task.value, files, force, lock)
    _report_batch(report, ", ".join(dict.fromkeys(summarizer.spec_for(t).id for t in tasks)),
                  write_index(out_dir, in_dir))


def _run_batch(summarizer, in_dir: Path, out_dir: Path, task: str, files: list[Path], force: bool, lock):
    """`run_batch` with a progress bar (one log line per file when stderr is not a terminal)."""
    import os

    from .batch import run_batch

    try:
        with Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
            TextColumn("{task.fields[rate]}"), console=err, transient=True, disable=not err.is_terminal,
        ) as bar:
            bar_task = bar.add_task("Starting", total=len(files), rate="")
            logged = [0]

            def update(done: int, total: int, name: str, tokens_per_s: float) -> None:
                bar.update(bar_task, completed=done, total=total, description=name[-40:],
                           rate=f"{tokens_per_s:.1f} tok/s")
                if not err.is_terminal and done > logged[0]:  # logs get one line per finished file
                    logged[0] = done
                    say(f"[{done}/{total}] {name} ({tokens_per_s:.1f} tok/s)")

            return run_batch(summarizer, in_dir, out_dir, task=task, files=files, force=force, progress=update,
                             lock=lock)
    except KeyboardInterrupt:
        # Finish nothing more: requests in flight are abandoned, not awaited. Every manifest line is
        # already complete on disk, so exiting at once is safe (the lock dies with the process);
        # a rerun resumes.
        say("Interrupted: the manifest keeps every finished article; run the same command to resume.")
        sys.stderr.flush()
        os._exit(130)


def _report_batch(report, model_id: str, index: Path) -> None:
    table = Table("file", "status", "title / reason", "decisions", "s", "tokens", title="Batch")
    colours = {"ok": "green", "skipped": "yellow", "failed": "red"}
    for row in report.rows:  # Text, not markup: names and messages may contain "[...]"
        colour = colours[row.status]
        note = Text(row.title or "") if row.status == "ok" else Text(row.reason or "", style=colour)
        table.add_row(Text(row.path), Text(row.status, style=colour), note,
                      "" if row.decisions is None else str(row.decisions), f"{row.seconds:.0f}", str(row.tokens))
    err.print(table)
    c = report.counts
    say(f"{c['ok']} ok, {c['skipped']} skipped, {c['failed']} failed in {report.seconds:.1f} s, "
        f"{report.tokens_per_s:.1f} generated tokens/s ({model_id}); report: {index}")
    raise typer.Exit(report.exit_code)
