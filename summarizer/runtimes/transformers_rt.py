"""Hugging Face transformers runtime: local safetensors folders (Marian/NLLB/M2M seq2seq, causal chat models)
and GGUF files, which transformers dequantizes to plain torch weights on load."""

from __future__ import annotations

import contextlib
import functools
import gc
import json
import os
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import torch
from transformers import (
    AutoConfig,
    AutoModelForCausalLM,
    AutoModelForSeq2SeqLM,
    AutoTokenizer,
    GenerationConfig,
    LogitsProcessorList,
)
from transformers.utils import logging as hf_logging

from .. import settings
from ..errors import ModelError
from .base import ChatRequest, Completion, OnResult, Runtime

if TYPE_CHECKING:
    from ..models import ModelSpec

#: `params` keys passed straight to `generate` (a manifest can tune decoding per model).
_GENERATE_PARAMS = frozenset({"num_beams", "repetition_penalty", "no_repeat_ngram_size"})
#: `params` keys for multilingual seq2seq models (NLLB, M2M): source language and forced target-language token.
_LANGUAGE_PARAMS = frozenset({"src_lang", "tgt_lang"})


def _quiet(verbose: bool) -> None:
    """transformers logs load reports, generation-config notices and progress bars meant for notebooks; the CLI
    has its own output, so keep them out unless asked for (-v or SUMMARIZER_VERBOSE)."""
    if verbose or settings.verbose():
        return
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    warnings.filterwarnings("ignore", module=r"transformers(\.|$)")


@contextlib.contextmanager
def _gguf_loading() -> Iterator[None]:
    """Load the config, tokenizer and weights of a GGUF file from one parsed reader, quietly.

    transformers builds a new `gguf.GGUFReader` for each of the three; parsing the metadata of a GGUF with a
    150k-token vocabulary takes ~10 s on CPU, so sharing one reader saves ~20 s per load. Its dequantization
    progress bar is plain tqdm, which `disable_progress_bar` does not reach.
    """
    import gguf
    from transformers import modeling_gguf_pytorch_utils as gguf_utils

    readers: dict[str, gguf.GGUFReader] = {}
    original_reader, original_tqdm = gguf.GGUFReader, gguf_utils.tqdm

    def shared_reader(path: str | os.PathLike[str], mode: str = "r") -> gguf.GGUFReader:
        key = f"{os.fspath(path)}:{mode}"
        if key not in readers:
            readers[key] = original_reader(path, mode)
        return readers[key]

    gguf.GGUFReader = shared_reader
    if not settings.verbose():
        gguf_utils.tqdm = functools.partial(original_tqdm, disable=True)
    try:
        yield
    finally:
        gguf.GGUFReader, gguf_utils.tqdm = original_reader, original_tqdm


def _chat_dtype() -> torch.dtype:
    """bfloat16 for decoder-only chat models where the CPU computes it natively (AVX512-BF16 or AMX), else float32.

    Measured with Qwen2.5-Coder-0.5B (GGUF, dequantized) on an AMD EPYC with AVX512-BF16, best of 12 decode
    steps: 70 ms/token in both dtypes with 2 threads, 118 against 142 ms with 1 thread (as when other processes
    hold the cores), the same greedy output, and half the memory (1 GB instead of 2 GB for the 0.5B, 3 GB instead
    of 6 GB for a 1.5B). Without native support bfloat16 matmuls are emulated, slower than float32. Seq2seq models
    (Marian, NLLB) stay float32: they are small, and bfloat16 scores cost beam search accuracy.
    """
    native = torch.cpu._is_avx512_bf16_supported() or torch.cpu._is_amx_tile_supported()
    return torch.bfloat16 if native else torch.float32


def _token_ids(value: int | list[int] | None) -> set[int]:
    if value is None:
        return set()
    return {value} if isinstance(value, int) else set(value)


class TransformersRuntime(Runtime):
    """A local checkpoint run with transformers on CPU. The kind comes from the config: encoder-decoder models
    translate (`translate`), decoder-only models chat through the tokenizer's chat template (`chat`).

    `params` tunes decoding: `num_beams`, `repetition_penalty`, `no_repeat_ngram_size`, and for NLLB/M2M
    `src_lang` / `tgt_lang` ("fra_Latn" / "eng_Latn" for NLLB, "fr" / "en" for M2M).
    """

    name = "transformers"

    @classmethod
    def from_spec(cls, spec: ModelSpec, *, context: int, parallel: int = 1, threads: int | None = None,
                  verbose: bool = False, progress: Callable[[int, int], None] | None = None) -> TransformersRuntime:
        from ..models import local_path

        path = local_path(spec, progress=progress)
        gguf = path.name if path.is_file() else None
        runtime = cls(path.parent if gguf else path, model_id=spec.id, gguf_file=gguf, threads=threads,
                      batch_size=max(parallel, 1), params=spec.params, verbose=verbose)
        runtime.context = context
        return runtime

    def __init__(
        self,
        path: str | Path,
        *,
        model_id: str,
        gguf_file: str | None = None,
        threads: int | None = None,
        batch_size: int = 4,
        params: dict[str, Any] | None = None,
        verbose: bool = False,
    ) -> None:
        _quiet(verbose)
        params = dict(params or {})
        unknown = set(params) - _GENERATE_PARAMS - _LANGUAGE_PARAMS
        if unknown:
            raise ModelError(f"{model_id}: unknown transformers params {sorted(unknown)}")
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        path = Path(path)
        if not path.is_dir():
            raise ModelError(f"{model_id}: model folder {path} does not exist")
        if gguf_file is not None and not (path / gguf_file).is_file():
            raise ModelError(f"{model_id}: GGUF file {path / gguf_file} does not exist")
        if threads:
            torch.set_num_threads(threads)

        self.model_id = model_id
        self.parallel = batch_size
        self._generate_params = {k: v for k, v in params.items() if k in _GENERATE_PARAMS}
        self._grammar_compiler: Any = None

        started = time.perf_counter()
        try:
            with _gguf_loading() if gguf_file else contextlib.nullcontext():
                self._model, self._tokenizer = self._load(path, gguf_file)
        except (OSError, ValueError, KeyError) as e:
            raise ModelError(f"cannot load {model_id} from {path}: {e}") from e
        self.load_seconds = time.perf_counter() - started

        config = self._model.config
        self.kind = "seq2seq" if config.is_encoder_decoder else "chat"
        self._vocab_size: int = config.vocab_size
        self._eos_ids = _token_ids(self._model.generation_config.eos_token_id)
        self._eos_ids |= _token_ids(self._tokenizer.eos_token_id)
        if self._tokenizer.pad_token_id is None:
            self._tokenizer.pad_token = self._tokenizer.eos_token
        self._forced_bos_token_id = self._language_setup(params) if self.kind == "seq2seq" else None
        # `generate` fills every setting a call leaves unset from the model's generation config, so that config
        # must hold no decoding policy of its own: Marian checkpoints force EOS at the length limit (which would
        # hide truncation: a translation cut by max_tokens must report "length"), and chat checkpoints ship
        # sampling defaults and repetition penalties that would make greedy requests neither greedy nor
        # comparable with the other runtimes.
        if self.kind == "seq2seq":
            self._model.generation_config.forced_eos_token_id = None
        else:
            if not self._tokenizer.chat_template:
                raise ModelError(f"{model_id}: the tokenizer has no chat template")
            self._model.generation_config = GenerationConfig(
                bos_token_id=self._model.generation_config.bos_token_id,
                eos_token_id=sorted(self._eos_ids),
                pad_token_id=self._tokenizer.pad_token_id,
            )
            # Decoder-only batches are left-padded so every row's next token follows its own prompt.
            self._tokenizer.padding_side = "left"

    def _load(self, path: Path, gguf_file: str | None) -> tuple[Any, Any]:
        """Pick the model class from the config. Never downloads: local files, safetensors, no remote code."""
        common: dict[str, Any] = {"local_files_only": True, "trust_remote_code": False}
        if gguf_file:
            common["gguf_file"] = gguf_file
        config = AutoConfig.from_pretrained(path, **common)
        model_class = AutoModelForSeq2SeqLM if config.is_encoder_decoder else AutoModelForCausalLM
        weights: dict[str, Any] = {} if gguf_file else {"use_safetensors": True}
        tokenizer = AutoTokenizer.from_pretrained(path, **common)
        dtype = torch.float32 if config.is_encoder_decoder else _chat_dtype()
        model = model_class.from_pretrained(path, config=config, dtype=dtype, **weights, **common)
        model.eval()
        return model, tokenizer

    def _language_setup(self, params: dict[str, Any]) -> int | None:
        """NLLB/M2M translate from `src_lang` and must be forced to start with the target-language token.
        NLLB names languages by their token ("eng_Latn"); M2M by code ("en", token "__en__")."""
        if not hasattr(self._tokenizer, "src_lang"):
            return None
        if not _LANGUAGE_PARAMS <= params.keys():
            raise ModelError(f"{self.model_id} is multilingual: set params src_lang and tgt_lang in its manifest")
        target = params["tgt_lang"]
        try:
            self._tokenizer.src_lang = params["src_lang"]
            if hasattr(self._tokenizer, "get_lang_token"):
                target = self._tokenizer.get_lang_token(target)
        except KeyError as e:
            raise ModelError(f"{self.model_id}: unknown language {e} in params") from e
        token_id = self._tokenizer.convert_tokens_to_ids(target)
        if token_id is None or token_id == self._tokenizer.unk_token_id:
            raise ModelError(f"{self.model_id}: tgt_lang {params['tgt_lang']!r} is not a token of its vocabulary")
        return token_id

    def _require_open(self) -> None:
        if self._model is None:
            raise RuntimeError(f"{self.model_id} runtime is closed")

    def translate(
        self, texts: Sequence[str], max_tokens: int = 512, on_result: OnResult | None = None
    ) -> list[Completion]:
        """Greedy (or `num_beams`) batched translation, `batch_size` texts per `generate` call.

        A text longer than the model's input gets an "error" completion: splitting documents is the caller's
        job, and silently truncating the source would drop content from the translation.
        """
        if self.kind != "seq2seq":
            return super().translate(texts, max_tokens, on_result)
        self._require_open()
        limit = min(self._tokenizer.model_max_length, self._model.config.max_position_embeddings)
        generation = GenerationConfig(
            max_new_tokens=max_tokens,
            do_sample=False,
            forced_bos_token_id=self._forced_bos_token_id,
            **{"num_beams": 1, **self._generate_params},
        )
        results: dict[int, Completion] = {}
        fitting = []
        for index, ids in enumerate(self._tokenizer(list(texts))["input_ids"] if texts else []):
            if len(ids) <= limit:
                fitting.append(index)
                continue
            message = f"the text has {len(ids)} tokens, more than {self.model_id}'s {limit}-token input"
            results[index] = Completion("", "error", prompt_tokens=len(ids), error=message)
            if on_result:
                on_result(index, results[index])
        for start in range(0, len(fitting), self.parallel):
            batch = fitting[start : start + self.parallel]
            started = time.perf_counter()
            inputs = self._tokenizer([texts[i] for i in batch], return_tensors="pt", padding=True)
            with torch.inference_mode():
                output = self._model.generate(**inputs, generation_config=generation)
            # Column 0 of the output is the decoder start token, not generated.
            completions = self._completions(inputs["attention_mask"], output[:, 1:], started)
            self._deliver(batch, completions, results, on_result)
        return [results[i] for i in range(len(texts))]

    def chat(self, requests: Sequence[ChatRequest], on_result: OnResult | None = None) -> list[Completion]:
        """Run requests in left-padded batches of up to `batch_size`, grouped by the settings a `generate`
        call shares. A request's `seed` applies to its whole batch when sampling (temperature > 0)."""
        if self.kind != "chat":
            return super().chat(requests, on_result)
        self._require_open()
        groups: dict[tuple[int, bool, float, int], list[int]] = {}
        for index, r in enumerate(requests):
            key = (r.max_tokens, r.json_schema is None, r.temperature, r.seed if r.temperature > 0 else 0)
            groups.setdefault(key, []).append(index)
        results: dict[int, Completion] = {}
        for indices in groups.values():
            for start in range(0, len(indices), self.parallel):
                batch = indices[start : start + self.parallel]
                self._deliver(batch, self._chat_batch([requests[i] for i in batch]), results, on_result)
        return [results[i] for i in range(len(requests))]

    @staticmethod
    def _deliver(
        batch: list[int], completions: list[Completion], results: dict[int, Completion], on_result: OnResult | None
    ) -> None:
        for index, completion in zip(batch, completions, strict=True):
            results[index] = completion
            if on_result:
                on_result(index, completion)

    def _chat_batch(self, requests: list[ChatRequest]) -> list[Completion]:
        first = requests[0]
        started = time.perf_counter()
        prompts = [
            self._tokenizer.apply_chat_template(r.messages, add_generation_prompt=True, tokenize=False)
            for r in requests
        ]
        # The chat template already writes the special tokens (BOS included where the model uses one).
        inputs = self._tokenizer(prompts, return_tensors="pt", padding=True, add_special_tokens=False)
        sampling = first.temperature > 0
        generation = GenerationConfig(
            max_new_tokens=first.max_tokens,
            do_sample=sampling,
            temperature=first.temperature if sampling else None,
            **self._generate_params,
        )
        processors = LogitsProcessorList()
        if first.json_schema is not None:
            processors.append(self._json_processor([r.json_schema for r in requests]))
        if sampling:
            torch.manual_seed(first.seed)
        with torch.inference_mode():
            output = self._model.generate(**inputs, generation_config=generation, logits_processor=processors)
        completions = self._completions(inputs["attention_mask"], output[:, inputs["input_ids"].shape[1] :], started)
        for request, completion in zip(requests, completions, strict=True):
            cut = min((i for i in (completion.text.find(s) for s in request.stop if s) if i >= 0), default=-1)
            if cut >= 0:
                completion.text = completion.text[:cut]
                completion.finish_reason = "stop"
        return completions

    def _completions(self, attention_mask: torch.Tensor, generated: torch.Tensor, started: float) -> list[Completion]:
        """One Completion per row: tokens up to and including the first EOS; no EOS means max_tokens was hit.

        `seconds` is the row's share of the batch's wall time, so seconds summed over a run give its wall time.
        """
        share = (time.perf_counter() - started) / len(generated)
        eos = torch.tensor(sorted(self._eos_ids))
        completions = []
        for mask, row in zip(attention_mask, generated, strict=True):
            hits = torch.isin(row, eos).nonzero()
            length = int(hits[0]) + 1 if len(hits) else len(row)
            completions.append(
                Completion(
                    text=self._tokenizer.decode(row[:length], skip_special_tokens=True),
                    finish_reason="stop" if len(hits) else "length",
                    prompt_tokens=int(mask.sum()),
                    completion_tokens=length,
                    seconds=share,
                )
            )
        return completions

    def _json_processor(self, schemas: list[dict[str, Any] | None]) -> Any:
        """An xgrammar logits processor that only lets each row produce JSON valid for its schema.

        Compact JSON (no free whitespace): small models otherwise tend to loop on newlines and spaces.
        A processor holds per-row matcher state, so each `generate` call gets a new one.
        """
        try:
            import xgrammar
            from xgrammar.contrib.hf import LogitsProcessor
        except ImportError as e:
            raise ModelError("JSON-constrained decoding on the transformers runtime needs: pip install xgrammar") from e
        if self._grammar_compiler is None:
            info = xgrammar.TokenizerInfo.from_huggingface(
                self._tokenizer, vocab_size=self._vocab_size, stop_token_ids=sorted(self._eos_ids)
            )
            self._grammar_compiler = xgrammar.GrammarCompiler(info)
        grammars = [
            self._grammar_compiler.compile_json_schema(json.dumps(schema), any_whitespace=False) for schema in schemas
        ]
        return LogitsProcessor(grammars)

    def close(self) -> None:
        """Drop the weights (hundreds of MB to several GB) so the next model can load."""
        self._model = None
        self._tokenizer = None
        self._grammar_compiler = None
        gc.collect()
