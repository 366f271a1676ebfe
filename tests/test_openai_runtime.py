"""The OpenAI-compatible runtime against real HTTP servers on 127.0.0.1: scripted stdlib servers for
the failure modes, and the embedded model behind `summarize serve` for the real thing (marked `model`).
Every server a test starts is stopped by it; every wait is bounded."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import base64
import contextlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, BinaryIO

import pytest

from summarizer.errors import ModelError
from summarizer.models import ServerSource, load_manifest
from summarizer.runtimes import load_runtime
from summarizer.runtimes.base import ChatRequest, Completion
from summarizer.runtimes.openai import MAX_BODY, OpenAIRuntime

ROOT = Path(__file__).resolve().parents[1]
SERVER_MANIFEST = ROOT / "models" / "openai-server.toml"
DEFAULT_MODEL_ID = "qwen2.5-coder-1.5b-instruct-q4km"
#: Seconds the embedded model may take to load on a busy 2-core machine.
LOAD_TIMEOUT = 240


def ask(text: str, **kw: Any) -> ChatRequest:
    return ChatRequest(messages=[{"role": "user", "content": text}], **kw)


def completion_body(text: str = "Hello.", finish: str = "stop") -> dict[str, Any]:
    return {
        "object": "chat.completion",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": finish}],
        "usage": {"prompt_tokens": 7, "completion_tokens": 3, "total_tokens": 10},
    }


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


# ---------------------------------------------------------------------------------------------- scripted servers


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


#: What a scripted server does with a request: (status, JSON or raw body, headers) to answer, raw bytes
#: to write instead of an HTTP response, a function that writes the raw response itself (slow or huge
#: answers), or None to close the connection without answering.
Answer = tuple[int, Any, dict[str, str]] | bytes | Callable[[BinaryIO], None] | None


@dataclass
class Fake:
    answer: Callable[[Fake, Seen, int], Answer]
    requests: list[Seen] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    #: set when the test ends, so that handlers parked on it (slow server) return at once
    release: threading.Event = field(default_factory=threading.Event)
    url: str = ""

    def chats(self) -> list[Seen]:
        return [r for r in self.requests if r.path.endswith("/chat/completions")]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: ThreadingHTTPServer

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def _handle(self) -> None:
        fake: Fake = self.server.fake  # type: ignore[attr-defined]
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        seen = Seen(self.command, self.path, {k.lower(): v for k, v in self.headers.items()},
                    json.loads(raw) if raw else None)
        with fake.lock:
            fake.requests.append(seen)
            n = sum(r.path == seen.path for r in fake.requests) - 1
        out = fake.answer(fake, seen, n)
        if out is None or isinstance(out, bytes) or callable(out):
            if callable(out):
                out(self.wfile)
            elif out:
                self.wfile.write(out)
            self.close_connection = True
            return
        status, body, headers = out
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        for k, v in {"Content-Type": "application/json", **headers, "Content-Length": str(len(data))}.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:  # keep test output clean
        pass


@contextmanager
def fake_server(answer: Callable[[Fake, Seen, int], Answer]) -> Iterator[Fake]:
    fake = Fake(answer)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    httpd.fake = fake  # type: ignore[attr-defined]
    fake.url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.release.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def runtime(fake: Fake, **kw: Any) -> OpenAIRuntime:
    """A client with a fixed model name (no discovery request) and fast retries."""
    return OpenAIRuntime(fake.url, **{"model": "m", "backoff": 0.01, "max_tries": 4, **kw})


@pytest.fixture(autouse=True)
def no_proxy_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests must not depend on the machine's proxies: tests that want one set it."""
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


#: urlopen for the local test servers, whatever the machine's proxy settings
urlopen = urllib.request.build_opener(urllib.request.ProxyHandler({})).open


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------------------------- protocol


def test_request_fields_usage_and_order() -> None:
    def answer(fake: Fake, seen: Seen, n: int) -> Answer:
        return 200, completion_body(seen.body["messages"][0]["content"].upper(), "length"), {}

    schema = {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]}
    with fake_server(answer) as fake, runtime(fake, api_key="sk-test") as rt:
        out = rt.chat([ask("one", max_tokens=9, stop=["\n"], seed=3), ask("two", json_schema=schema)])
    assert [c.text for c in out] == ["ONE", "TWO"]
    assert out[0].finish_reason == "length" and (out[0].prompt_tokens, out[0].completion_tokens) == (7, 3)
    by_text = {r.body["messages"][0]["content"]: r for r in fake.chats()}
    first, second = by_text["one"], by_text["two"]
    assert first.headers["authorization"] == "Bearer sk-test"
    assert first.body["model"] == "m" and first.body["max_tokens"] == 9 and first.body["seed"] == 3
    assert first.body["stop"] == ["\n"] and first.body["temperature"] == 0.0 and first.body["stream"] is False
    assert "response_format" not in first.body
    assert second.body["response_format"] == {
        "type": "json_schema", "json_schema": {"name": "output", "schema": schema, "strict": True},
    }  # fmt: skip


def test_requests_run_concurrently_up_to_parallel() -> None:
    """Four requests with parallel=4 must all be in flight at once: each handler waits at a barrier
    of four, which times out (and fails the requests) if the client sent them one by one."""
    barrier = threading.Barrier(4, timeout=5)

    def answer(fake: Fake, seen: Seen, n: int) -> Answer:
        barrier.wait()
        return 200, completion_body(seen.body["messages"][0]["content"]), {}

    finished: list[int] = []
    with fake_server(answer) as fake, runtime(fake, parallel=4) as rt:
        out = rt.chat([ask(str(i)) for i in range(4)], on_result=lambda i, c: finished.append(i))
    assert [c.text for c in out] == ["0", "1", "2", "3"]
    assert sorted(finished) == [0, 1, 2, 3]


def test_model_name_is_discovered_when_default() -> None:
    def answer(fake: Fake, seen: Seen, n: int) -> Answer:
        if seen.path == "/v1/models":
            return 200, {"object": "list", "data": [{"id": "Qwen/Qwen2.5-7B-Instruct", "object": "model"}]}, {}
        return 200, completion_body(), {}

    with fake_server(answer) as fake, OpenAIRuntime(fake.url) as rt:
        assert rt.chat([ask("a"), ask("b")])[1].text == "Hello."
    assert [r.path for r in fake.requests].count("/v1/models") == 1
    assert {r.body["model"] for r in fake.chats()} == {"Qwen/Qwen2.5-7B-Instruct"}


def test_several_served_models_need_a_choice() -> None:
    def answer(fake: Fake, seen: Seen, n: int) -> Answer:
        return 200, {"data": [{"id": "llama3"}, {"id": "qwen2.5"}]}, {}

    with fake_server(answer) as fake, OpenAIRuntime(fake.url) as rt:
        with pytest.raises(ModelError, match="several models.*SUMMARIZER_API_MODEL"):
            rt.chat([ask("a")])


# ---------------------------------------------------------------------------------------------- failure modes


@pytest.mark.parametrize("model", ["default", "m"], ids=["discovering", "named"])
def test_unreachable_server_is_a_model_error_quickly(model: str) -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    started = time.monotonic()
    with OpenAIRuntime(url, model=model, max_tries=3, backoff=0.05) as rt:
        with pytest.raises(ModelError) as info:
            rt.chat([ask("a"), ask("b")])
    assert time.monotonic() - started < 5
    message = str(info.value)
    assert f"cannot reach OpenAI-compatible server at {url}" in message
    assert "summarize serve" in message and "SUMMARIZER_BASE_URL" in message


def _with(path: str, value: Any) -> dict[str, Any]:
    """A chat completion with one field (dotted path, numbers index lists) replaced."""
    body = completion_body()
    *parents, last = [int(k) if k.isdigit() else k for k in path.split(".")]
    node: Any = body
    for key in parents:
        node = node[key]
    node[last] = value
    return body


@pytest.mark.parametrize(
    "reply, expected",
    [
        ((200, b"<html>upstream error</html>", {}), "malformed response"),
        ((200, {"object": "chat.completion"}, {}), "malformed response"),
        ((200, {"choices": []}, {}), "malformed response"),
        (b"SSH-2.0-OpenSSH_9.6\r\n\r\n", "malformed HTTP response"),
        ((200, [completion_body()], {}), "malformed response"),
        ((200, _with("choices", "Hello."), {}), "malformed response"),
        ((200, _with("choices", {"0": completion_body()["choices"][0]}), {}), "malformed response"),
        ((200, _with("choices.0.message", "Hello."), {}), "malformed response"),
        ((200, _with("choices.0.message.content", 42), {}), "message.content is a int"),
        ((200, _with("choices.0.message.content", [{"type": "text", "text": "Hi"}]), {}), "content is a list"),
        ((200, _with("usage", "7 tokens"), {}), "malformed response"),
        ((200, _with("usage.prompt_tokens", "many"), {}), "token count 'many'"),
        ((200, _with("usage.completion_tokens", -3), {}), "token count -3"),
        ((200, json.dumps(completion_body()).replace("7", "Infinity").encode(), {}), "token count inf"),
    ],
    ids=["not-json", "no-choices", "empty-choices", "not-http", "not-an-object", "choices-string",
         "choices-object", "message-string", "content-number", "content-parts", "usage-string",
         "tokens-string", "tokens-negative", "tokens-infinite"],
)
def test_malformed_answer_is_an_error_completion(reply: Answer, expected: str) -> None:
    with fake_server(lambda fake, seen, n: reply) as fake, runtime(fake) as rt:
        (out,) = rt.chat([ask("a")])
    assert out.finish_reason == "error" and expected in out.error
    assert len(fake.chats()) == 1  # a garbled answer is not retried: the task layer decides


def test_read_timeout_is_an_error_completion_not_retried() -> None:
    """Decision: no answer within the read timeout gives an error Completion at once. Retrying would
    make an overloaded server wait `max_tries` times as long; the task layer retries the segment."""

    def answer(fake: Fake, seen: Seen, n: int) -> Answer:
        fake.release.wait(5)
        return 200, completion_body(), {}

    with fake_server(answer) as fake, runtime(fake, read_timeout=0.5) as rt:
        started = time.monotonic()
        (out,) = rt.chat([ask("a")])
        elapsed = time.monotonic() - started
    assert out.finish_reason == "error" and "within 0.5 s" in out.error
    assert 0.4 < elapsed < 3
    assert len(fake.chats()) == 1


def raw_response(body: Any) -> bytes:
    data = json.dumps(body).encode()
    return b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(data), data)


def dripping(fake: Fake, at_once: bytes, dripped: bytes) -> Callable[[BinaryIO], None]:
    """Writes `at_once`, then `dripped` one byte every 0.2 s (each wait far below the read timeout), up
    to 20 bytes: enough to outlast a 1 s deadline, few enough that a client without one fails in 4 s."""

    def write(out: BinaryIO) -> None:
        with contextlib.suppress(OSError):
            out.write(at_once)
            for i in range(min(len(dripped), 20)):
                if fake.release.wait(0.2):
                    return
                out.write(dripped[i : i + 1])

    return write


@pytest.mark.parametrize("phase", ["headers", "body"])
def test_dripping_server_hits_the_deadline(phase: str) -> None:
    """The timeout bounds the whole answer, not each read: a server that keeps every read alive with a
    byte now and then still gives an error Completion (like a silent one) once the deadline passes."""
    response = raw_response(completion_body())
    split = 0 if phase == "headers" else response.index(b"\r\n\r\n") + 4

    with fake_server(lambda fake, seen, n: dripping(fake, response[:split], response[split:])) as fake:
        with runtime(fake, read_timeout=1) as rt:
            started = time.monotonic()
            (out,) = rt.chat([ask("a")])
            elapsed = time.monotonic() - started
    assert out.finish_reason == "error"
    assert "within 1 s" in out.error and "SUMMARIZER_API_TIMEOUT" in out.error
    assert 0.9 < elapsed < 2.5
    assert len(fake.chats()) == 1


def test_deadline_stops_model_discovery() -> None:
    response = raw_response({"data": [{"id": "m"}]})
    with fake_server(lambda fake, seen, n: dripping(fake, b"", response)) as fake:
        with OpenAIRuntime(fake.url, read_timeout=1, max_tries=1) as rt:
            started = time.monotonic()
            with pytest.raises(ModelError, match=r"/models .*no complete answer within 1 s"):
                rt.chat([ask("a")])
    assert time.monotonic() - started < 2.5


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "until-close"])
def test_huge_body_is_refused_unread(declared: bool) -> None:
    """A 300 MB answer (broken proxy, runaway server) is refused by its Content-Length, or once the
    client has read MAX_BODY of it; the server stops at 48 MiB, so a client without a cap fails too."""
    sent = [0]
    done = threading.Event()

    def write(out: BinaryIO) -> None:
        length = b"Content-Length: 300000000\r\n" if declared else b"Connection: close\r\n"
        try:
            out.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + length + b"\r\n")
            while sent[0] < 48 * 2**20:
                out.write(b" " * 2**20)
                sent[0] += 2**20
        except OSError:
            pass
        finally:
            done.set()

    with fake_server(lambda fake, seen, n: write) as fake, runtime(fake) as rt:
        (out,) = rt.chat([ask("a")])
        assert done.wait(5)
    assert out.finish_reason == "error" and "body over 16 MiB" in out.error
    assert sent[0] < 48 * 2**20 and MAX_BODY == 16 * 2**20
    assert len(fake.chats()) == 1


def test_429_is_retried_honouring_retry_after() -> None:
    """Retry-After: 0 must win over the (here huge) backoff, else this test would take minutes."""

    def answer(fake: Fake, seen: Seen, n: int) -> Answer:
        if n == 0:
            return 429, {"error": {"message": "slow down"}}, {"Retry-After": "0"}
        return 200, completion_body("ok"), {}

    with fake_server(answer) as fake, runtime(fake, backoff=60) as rt:
        started = time.monotonic()
        (out,) = rt.chat([ask("a")])
    assert time.monotonic() - started < 5
    assert out.finish_reason == "stop" and out.text == "ok"
    assert len(fake.chats()) == 2


def test_dropped_connection_is_retried() -> None:
    def answer(fake: Fake, seen: Seen, n: int) -> Answer:
        return None if n == 0 else (200, completion_body("ok"), {})

    with fake_server(answer) as fake, runtime(fake) as rt:
        (out,) = rt.chat([ask("a")])
    assert out.text == "ok" and len(fake.chats()) == 2


def test_server_error_gives_up_after_max_tries() -> None:
    def answer(fake: Fake, seen: Seen, n: int) -> Answer:
        return 500, {"error": {"message": "CUDA out of memory", "type": "server_error"}}, {}

    with fake_server(answer) as fake, runtime(fake, max_tries=3) as rt:
        (out,) = rt.chat([ask("a")])
    assert out.finish_reason == "error"
    assert "HTTP 500" in out.error and "after 3 tries" in out.error and "CUDA out of memory" in out.error
    assert len(fake.chats()) == 3


def test_client_error_is_not_retried() -> None:
    def answer(fake: Fake, seen: Seen, n: int) -> Answer:
        return 400, {"error": {"message": "maximum context length is 8192 tokens"}}, {}

    with fake_server(answer) as fake, runtime(fake) as rt:
        (out,) = rt.chat([ask("a")])
    assert out.finish_reason == "error" and "HTTP 400" in out.error and "8192" in out.error
    assert len(fake.chats()) == 1


@pytest.mark.parametrize("status, expected", [(401, "refused the API key"), (404, "usually ends in /v1")])
def test_configuration_errors_stop_the_run(status: int, expected: str) -> None:
    def answer(fake: Fake, seen: Seen, n: int) -> Answer:
        return status, {"error": {"message": "nope"}}, {}

    with fake_server(answer) as fake, runtime(fake, parallel=2) as rt:
        with pytest.raises(ModelError, match=expected):
            rt.chat([ask(str(i)) for i in range(6)])
    assert len(fake.chats()) < 6  # the queue was dropped after the first refusal


# ---------------------------------------------------------------------------------------------- credentials, proxies


@pytest.mark.parametrize("via_proxy", [False, True], ids=["direct", "proxy"])
def test_credentials_never_appear_in_errors(monkeypatch: pytest.MonkeyPatch, via_proxy: bool) -> None:
    port = free_port()
    if via_proxy:
        monkeypatch.setenv("HTTP_PROXY", f"http://pu:proxy-secret@127.0.0.1:{port}")
        url, shown = "http://key:server-secret@gpu-node.invalid:8000/v1", "http://***@gpu-node.invalid:8000/v1"
    else:
        url, shown = f"http://key:server-secret@127.0.0.1:{port}/v1", f"http://***@127.0.0.1:{port}/v1"
    with OpenAIRuntime(url, model="m", max_tries=1) as rt:
        assert rt.base_url == shown
        with pytest.raises(ModelError, match="cannot reach") as info:
            rt.chat([ask("a")])
    message = str(info.value)
    assert "secret" not in message and shown in message
    assert (f"through proxy http://***@127.0.0.1:{port}" in message) == via_proxy


@pytest.mark.parametrize("url", ["http://key:server-secret@host:port/v1", "http://key:server/secret@host/v1",
                                 "key:server-secret@host:8000/v1"])
def test_bad_url_is_quoted_without_credentials(url: str) -> None:
    with pytest.raises(ModelError, match=r"bad server URL '(http://)?\*\*\*@host") as info:
        OpenAIRuntime(url)
    assert "secret" not in str(info.value)


def test_url_credentials_are_sent_as_basic_auth() -> None:
    """Userinfo (percent-decoded) goes out as basic auth, for a server behind an authenticating reverse
    proxy; an API key, the OpenAI way, takes the Authorization header instead."""
    with fake_server(lambda fake, seen, n: (200, completion_body(), {})) as fake:
        url = fake.url.replace("http://", "http://user:p%40ss@")
        with runtime(fake) as rt_plain, OpenAIRuntime(url, model="m") as rt_basic, \
                OpenAIRuntime(url, model="m", api_key="sk-test") as rt_key:
            for rt in (rt_plain, rt_basic, rt_key):
                rt.chat([ask("a")])
    sent = [r.headers.get("authorization") for r in fake.chats()]
    assert sent == [None, basic("user", "p@ss"), "Bearer sk-test"]


def test_remote_hosts_go_through_the_proxy_loopback_never(monkeypatch: pytest.MonkeyPatch) -> None:
    """One scripted server is both the proxy and a local server: it answers with the request target it
    saw, an absolute URI when it was asked as a proxy."""
    with fake_server(lambda fake, seen, n: (200, completion_body(seen.path), {})) as fake:
        origin = fake.url.removesuffix("/v1")
        monkeypatch.setenv("HTTP_PROXY", origin.replace("http://", "http://pu:pp@"))
        with OpenAIRuntime("http://key:pw@gpu-node.invalid:8000/v1", model="m", max_tries=1) as rt:
            assert rt.proxy == origin.replace("http://", "http://***@")
            (proxied,) = rt.chat([ask("a")])
        with runtime(fake) as rt:
            assert rt.proxy is None
            (direct,) = rt.chat([ask("b")])
    assert proxied.text == "http://gpu-node.invalid:8000/v1/chat/completions"
    assert direct.text == "/v1/chat/completions"
    via, local = fake.chats()
    assert via.headers["host"] == "gpu-node.invalid:8000"
    assert via.headers["proxy-authorization"] == basic("pu", "pp")
    assert via.headers["authorization"] == basic("key", "pw")
    assert "proxy-authorization" not in local.headers and "authorization" not in local.headers


@pytest.mark.parametrize(
    "url, proxy",
    [
        ("http://10.0.0.5:8000/v1", "http://proxy:3128"),
        ("https://api.example.com/v1", "http://proxy:3129"),
        ("http://gpu-node:8000/v1", None),
        ("https://gpu7.cluster:8000/v1", None),
        ("http://127.0.0.1:8080/v1", None),
        ("http://localhost:8080/v1", None),
        ("http://[::1]:8080/v1", None),
    ],
)
def test_proxy_choice_follows_the_environment(monkeypatch: pytest.MonkeyPatch, url: str, proxy: str | None) -> None:
    """As urllib and curl: HTTP_PROXY or HTTPS_PROXY by scheme ("host:port" means http://), NO_PROXY
    names and domain suffixes go direct; loopback always goes direct, even unlisted."""
    monkeypatch.setenv("HTTP_PROXY", "http://proxy:3128")
    monkeypatch.setenv("HTTPS_PROXY", "proxy:3129")
    monkeypatch.setenv("NO_PROXY", "gpu-node,.cluster")
    with OpenAIRuntime(url, model="m") as rt:
        assert rt.proxy == proxy


# ---------------------------------------------------------------------------------------------- configuration


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("SUMMARIZER_BASE_URL", "SUMMARIZER_API_MODEL", "SUMMARIZER_API_KEY", "SUMMARIZER_API_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_from_spec_reads_the_manifest(clean_env: pytest.MonkeyPatch) -> None:
    spec = load_manifest(SERVER_MANIFEST)
    with load_runtime(spec, parallel=3) as rt:
        assert isinstance(rt, OpenAIRuntime)
        assert (rt.base_url, rt.model, rt.api_key, rt.parallel) == ("http://127.0.0.1:8080/v1", "default", None, 3)
        assert rt.model_id == "openai-server" and rt.read_timeout == 300


def test_environment_overrides_the_manifest(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("SUMMARIZER_BASE_URL", "https://gpu7.cluster:8000/v1/")
    clean_env.setenv("SUMMARIZER_API_MODEL", "Qwen/Qwen2.5-7B-Instruct")
    clean_env.setenv("SUMMARIZER_API_KEY", "sk-env")
    clean_env.setenv("SUMMARIZER_API_TIMEOUT", "42")
    with OpenAIRuntime.from_spec(load_manifest(SERVER_MANIFEST)) as rt:
        assert (rt.base_url, rt.model, rt.api_key) == ("https://gpu7.cluster:8000/v1", "Qwen/Qwen2.5-7B-Instruct",
                                                       "sk-env")
        assert rt.read_timeout == 42


def test_key_from_the_manifests_variable_and_params(clean_env: pytest.MonkeyPatch) -> None:
    base = load_manifest(SERVER_MANIFEST)
    spec = base.model_copy(update={
        "source": ServerSource(type="server", base_url="http://10.0.0.5:8000/v1", model="m", api_key_env="VLLM_KEY"),
        "params": {"read_timeout": 30, "connect_timeout": 2, "max_tries": 2},
    })  # fmt: skip
    clean_env.setenv("VLLM_KEY", "sk-manifest")
    with OpenAIRuntime.from_spec(spec) as rt:
        assert (rt.api_key, rt.read_timeout, rt.connect_timeout, rt.max_tries) == ("sk-manifest", 30, 2, 2)
    clean_env.setenv("SUMMARIZER_API_KEY", "sk-generic")
    with OpenAIRuntime.from_spec(spec) as rt:
        assert rt.api_key == "sk-generic"


@pytest.mark.parametrize("url", ["localhost:8080/v1", "ftp://host/v1", "http://host:port/v1", "http:///v1"])
def test_bad_base_url(clean_env: pytest.MonkeyPatch, url: str) -> None:
    clean_env.setenv("SUMMARIZER_BASE_URL", url)
    with pytest.raises(ModelError, match="bad server URL"):
        OpenAIRuntime.from_spec(load_manifest(SERVER_MANIFEST))


def test_only_gguf_models_can_be_served() -> None:
    from summarizer.serve import serve

    with pytest.raises(ModelError, match="cannot be served: it runs on openai, and only llamacpp models can"):
        serve(load_manifest(SERVER_MANIFEST), port=free_port())


# ---------------------------------------------------------------------------------------------- the real model

API_KEY = "sk-summarizer-test"


@dataclass
class Served:
    url: str
    process: subprocess.Popen[bytes]


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The default embedded model behind `summarize serve` on a free loopback port, with an API key.
    Stopped with SIGTERM (what Ctrl-C does) at the end, which must exit cleanly and promptly."""
    log = tmp_path_factory.mktemp("serve") / "stderr.txt"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200", "SUMMARIZER_API_KEY": API_KEY}
    cmd = [sys.executable, "-c", "from summarizer.cli import run; run()", "serve", "--host", "127.0.0.1",
           "--port", "0", "--parallel", "2", "--threads", "2", "--context", "1024"]
    with log.open("wb") as err:
        process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err)
    try:
        url = _wait_until_serving(process, log)
        yield Served(url, process)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            code = process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
            pytest.fail("`summarize serve` did not stop within 60 s of SIGTERM")
    assert code == 0, log.read_text(errors="replace")[-2000:]


def _wait_until_serving(process: subprocess.Popen[bytes], log: Path) -> str:
    deadline = time.monotonic() + LOAD_TIMEOUT
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace")
        if process.poll() is not None:
            pytest.fail(f"`summarize serve` exited with {process.returncode}:\n{text[-2000:]}")
        match = re.search(r"Serving \S+ at (http://127\.0\.0\.1:\d+/v1)", text)
        if match:
            base = match[1]
            with urlopen(base.removesuffix("/v1") + "/health", timeout=5) as res:
                assert res.status == 200
            return base
        time.sleep(0.25)
    pytest.fail(f"`summarize serve` not ready within {LOAD_TIMEOUT} s:\n{log.read_text(errors='replace')[-2000:]}")


@pytest.mark.model
def test_served_model_chat(served: Served) -> None:
    with OpenAIRuntime(served.url, api_key=API_KEY) as rt:
        assert rt.served_model() == DEFAULT_MODEL_ID  # `serve` names the model after its manifest id
        (out,) = rt.chat([ask("Translate into English: « Bonjour tout le monde. »", max_tokens=20)])
    assert out.finish_reason in ("stop", "length"), out.error
    assert out.text.strip() and out.completion_tokens > 0 and out.prompt_tokens > 0


@pytest.mark.model
def test_served_model_json_schema(served: Served) -> None:
    schema = {
        "type": "object",
        "properties": {"answer": {"type": "string", "enum": ["yes", "no"]}},
        "required": ["answer"],
        "additionalProperties": False,
    }
    with OpenAIRuntime(served.url, api_key=API_KEY) as rt:
        (out,) = rt.chat([ask("Is Paris in France? Reply in JSON.", max_tokens=30, json_schema=schema)])
    assert out.finish_reason == "stop", out
    assert json.loads(out.text)["answer"] in ("yes", "no")


@pytest.mark.model
def test_served_model_two_concurrent_requests(served: Served) -> None:
    done: list[tuple[int, Completion]] = []
    with OpenAIRuntime(served.url, api_key=API_KEY, parallel=2) as rt:
        requests = [ask(f"Translate into English: {t}", max_tokens=12) for t in ("Il pleut.", "Le chat dort.")]
        out = rt.chat(requests, on_result=lambda i, c: done.append((i, c)))
    assert all(c.finish_reason in ("stop", "length") and c.text.strip() for c in out), out
    assert sorted(i for i, _ in done) == [0, 1]


@pytest.mark.model
def test_served_model_wants_the_key(served: Served) -> None:
    with OpenAIRuntime(served.url, api_key="wrong") as rt, pytest.raises(ModelError, match="refused the API key"):
        rt.chat([ask("hi", max_tokens=1)])
    with pytest.raises(urllib.error.HTTPError) as info:
        urlopen(served.url + "/models", timeout=5)
    assert info.value.code == 401
