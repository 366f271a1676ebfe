"""Runtime for any OpenAI-compatible `/v1/chat/completions` server: vLLM, llama.cpp's llama-server
(or `summarize serve`), TGI, Ollama.

Plain stdlib HTTP (`http.client` + `json`): one connection per request, so threads share nothing,
a connect timeout, and a deadline on the whole exchange (`read_timeout`, SUMMARIZER_API_TIMEOUT) that
a server dripping bytes cannot stretch, which `urllib` cannot give. JSON-schema-constrained output is
requested with `response_format={"type": "json_schema", ...}`, which vLLM (>= 0.6), llama.cpp's
server and Ollama (>= 0.5, on its /v1 endpoint; its native API calls it `format`) honour.

Like urllib and curl it honours HTTP_PROXY/HTTPS_PROXY/NO_PROXY (HTTPS through a CONNECT tunnel),
but never proxies loopback, so a local server works whatever the proxy settings. Credentials in the
URL (`http://user:pass@host/v1`) go out as basic auth (an API key, a bearer token, takes precedence)
and show as `***` in every message.

Failure policy, chosen so that a long batch neither hangs nor dies on one bad answer:

* cannot connect, or the connection drops: retried with backoff, then `ModelError` (nothing else
  would work either);
* 401/403 (API key) and 404 (wrong base_url or model name): `ModelError` at once;
* 429 and 5xx: retried with exponential backoff and jitter, honouring Retry-After; after the
  last try, an error `Completion`;
* no complete answer within the deadline: an error `Completion`, not retried (a retry would wait as
  long again on a server that is already overloaded);
* any other 4xx (prompt too long, unsupported schema), a body over `MAX_BODY`, or one that is not a
  chat completion: an error `Completion`.

Error completions carry `finish_reason="error"` and a message; the task layer retries or reports them.
The model name "default" means "whatever the server serves", looked up once with GET /models.
"""

from __future__ import annotations

import base64
import contextlib
import email.utils
import http.client
import ipaddress
import json
import random
import socket
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from typing import TYPE_CHECKING, Any

from .. import settings
from ..errors import ModelError
from .base import ChatRequest, Completion, OnResult, Runtime

if TYPE_CHECKING:
    from ..models import ModelSpec

#: Statuses worth retrying: the server is busy or briefly broken, the request itself is fine.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
#: Longest Retry-After we obey, so that a misconfigured proxy cannot stall a batch for hours.
MAX_RETRY_AFTER = 60.0
#: Model name meaning "whatever the server serves": resolved through GET /models on first use.
ANY_MODEL = "default"
#: Largest response body read: a chat completion is kilobytes; a broken proxy must not fill memory.
MAX_BODY = 16 * 2**20


class _Unreachable(Exception):
    """Connecting failed or the connection dropped: a retry may help, a different request would not."""


class _Garbled(Exception):
    """The peer answered, but not with usable HTTP (wrong port, broken proxy, a body over MAX_BODY)."""


class OpenAIRuntime(Runtime):
    name = "openai"
    kind = "chat"
    local = False

    def __init__(
        self,
        base_url: str,
        *,
        model: str = ANY_MODEL,
        api_key: str | None = None,
        model_id: str = "openai-server",
        parallel: int = 1,
        connect_timeout: float = 10.0,
        read_timeout: float = 300.0,
        max_tries: int = 4,
        backoff: float = 0.5,
        verbose: bool = False,
    ) -> None:
        url = _split(base_url.rstrip("/"), "server", "http(s)://host[:port]/v1")
        self.base_url = settings.redact_url(url.geturl())  # for messages: they must never show a password
        self._url = url
        proxy = _proxy_for(url)
        self.proxy = settings.redact_url(proxy) if proxy else None
        self._proxy = _split(proxy, "proxy", "http://host:port") if proxy else None
        self._auth = {"Authorization": f"Bearer {api_key}"} if api_key else _basic_auth(url, "Authorization")
        self.model = model
        self.api_key = api_key
        self.model_id = model_id
        self.parallel = max(1, parallel)
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout  # deadline for one exchange, from sending to the last byte
        self.max_tries = max(1, max_tries)
        self.backoff = backoff
        self.verbose = verbose
        self._model_lock = threading.Lock()
        self._served: str | None = None if model == ANY_MODEL else model
        self._pool = ThreadPoolExecutor(max_workers=self.parallel, thread_name_prefix="openai")

    @classmethod
    def from_spec(cls, spec: ModelSpec, *, context: int | None = None, parallel: int = 1, threads: int | None = None,
                  verbose: bool = False, progress: Callable[[int, int], None] | None = None) -> OpenAIRuntime:
        """Settings from the manifest's server source and `params`, overridden by the environment
        (SUMMARIZER_BASE_URL, SUMMARIZER_API_MODEL, SUMMARIZER_API_KEY, SUMMARIZER_API_TIMEOUT) so one
        manifest serves any server without editing it."""
        from ..models import ServerSource

        src = spec.source
        if not isinstance(src, ServerSource):
            raise ModelError(f"model {spec.id} has no server source")
        params = dict(spec.params)
        if timeout := settings.API_TIMEOUT.value():
            params["read_timeout"] = timeout
        try:
            timeouts = {
                k: float(params[k]) for k in ("connect_timeout", "read_timeout", "backoff") if k in params
            }
            tries = {"max_tries": int(params["max_tries"])} if "max_tries" in params else {}
        except (TypeError, ValueError) as exc:
            raise ModelError(f"model {spec.id}: bad timeout or retry setting: {exc}") from None
        return cls(
            settings.BASE_URL.value() or src.base_url,
            model=settings.API_MODEL.value() or src.model,
            api_key=settings.api_key(src.api_key_env),
            model_id=spec.id,
            parallel=parallel,
            verbose=verbose,
            **timeouts,
            **tries,
        )

    # ------------------------------------------------------------------------------------------ HTTP

    def _http(self, method: str, path: str, payload: dict[str, Any] | None = None) -> tuple[int, dict[str, str], bytes]:
        """One exchange on a fresh connection. Raises _Unreachable for connection failures, _Garbled for
        an unusable answer, and TimeoutError when the answer was not complete within `read_timeout`."""
        url, proxy = self._url, self._proxy
        conn_cls = http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
        headers = {"Accept": "application/json", **self._auth}
        target = url.path + path
        if proxy is None:
            conn = conn_cls(url.hostname, url.port, timeout=self.connect_timeout)
        else:
            conn = conn_cls(proxy.hostname, proxy.port, timeout=self.connect_timeout)
            if url.scheme == "https":  # a CONNECT tunnel: the proxy sees neither the request nor the key
                conn.set_tunnel(url.hostname, url.port, headers=_basic_auth(proxy, "Proxy-Authorization"))
            else:  # the absolute URI, without userinfo (that went into Authorization)
                target = f"http://{url.netloc.rpartition('@')[2]}{target}"
                headers.update(_basic_auth(proxy, "Proxy-Authorization"))
        body = None
        if payload is not None:
            body = json.dumps(payload).encode()
            headers["Content-Type"] = "application/json"
        try:
            try:
                conn.connect()
            except OSError as exc:  # refused, DNS failure, connect timeout, TLS failure
                raise _Unreachable(f"{type(exc).__name__}: {exc}") from exc
            conn.sock.settimeout(self.read_timeout)
            # Socket timeouts bound each read only: the timer bounds the whole exchange.
            expired = threading.Event()
            timer = threading.Timer(self.read_timeout, _hang_up, (conn.sock, expired))
            timer.start()
            try:
                conn.request(method, target, body=body, headers=headers)
                res = conn.getresponse()
                return res.status, {k.lower(): v for k, v in res.getheaders()}, _read_body(res)
            except (OSError, http.client.HTTPException) as exc:
                if expired.is_set() or isinstance(exc, TimeoutError):
                    raise TimeoutError(f"no complete answer within {self.read_timeout:g} s") from exc
                if isinstance(exc, ConnectionError):  # includes RemoteDisconnected: closed without an answer
                    raise _Unreachable(f"connection lost: {type(exc).__name__}: {exc}") from exc
                if isinstance(exc, http.client.HTTPException):
                    raise _Garbled(f"{type(exc).__name__}: {exc}") from exc
                raise
            finally:
                timer.cancel()
        finally:
            conn.close()

    def _delay(self, attempt: int, headers: dict[str, str] | None = None) -> float:
        """Retry-After if the server sent one, else exponential backoff with jitter (so that parallel
        workers do not retry in lockstep)."""
        after = _retry_after((headers or {}).get("retry-after"))
        if after is not None:
            return min(after, MAX_RETRY_AFTER)
        return self.backoff * 2 ** (attempt - 1) * random.uniform(0.5, 1.5)

    def _exchange(self, method: str, path: str, payload: dict[str, Any] | None = None) -> tuple[int, bytes, int]:
        """`_http` with the retry policy: returns (status, body, tries) for any answer but a refused key.
        Raises ModelError when the server stays unreachable or refuses the key; TimeoutError and
        _Garbled pass through, for the caller to decide."""
        attempt = 0
        while True:
            attempt += 1
            last = attempt >= self.max_tries
            try:
                status, headers, data = self._http(method, path, payload)
            except _Unreachable as exc:
                if last:
                    via = f" through proxy {self.proxy}" if self.proxy else ""
                    raise ModelError(
                        f"cannot reach OpenAI-compatible server at {self.base_url}{via}: {exc} "
                        f"(after {attempt} tries); start one with `summarize serve` or set SUMMARIZER_BASE_URL"
                    ) from None
                self._log(f"{self.base_url}: {exc}; retrying")
                time.sleep(self._delay(attempt))
                continue
            if status in (401, 403):
                raise ModelError(
                    f"the server at {self.base_url} refused the API key (HTTP {status}: {_error_text(data)}); "
                    "set SUMMARIZER_API_KEY"
                )
            if status in RETRY_STATUSES and not last:
                self._log(f"{self.base_url}: HTTP {status}; retrying")
                time.sleep(self._delay(attempt, headers))
                continue
            return status, data, attempt

    def _log(self, message: str) -> None:
        """Retries are silent unless asked for (-v): they are expected on a busy server."""
        if self.verbose:
            print(f"openai runtime: {message}", file=sys.stderr)

    # ------------------------------------------------------------------------------------------ model name

    def served_model(self) -> str:
        """The model name to send. "default" asks the server (GET /models): llama-server accepts any
        name, but vLLM and Ollama want the one they serve, and users should not have to look it up."""
        with self._model_lock:
            if self._served is None:
                self._served = self._discover_model()
            return self._served

    def _discover_model(self) -> str:
        try:
            status, data, tries = self._exchange("GET", "/models")
        except (TimeoutError, _Garbled) as exc:
            raise ModelError(f"no usable answer from {self.base_url}/models ({type(exc).__name__}: {exc})") from None
        if status in RETRY_STATUSES:
            raise ModelError(
                f"the server at {self.base_url} is not ready: HTTP {status} ({_error_text(data)}) after {tries} tries"
            )
        try:
            ids = [m["id"] for m in json.loads(data)["data"]] if status == 200 else []
        except (ValueError, KeyError, TypeError):
            ids = []
        if len(ids) > 1 and ANY_MODEL not in ids:
            raise ModelError(
                f"the server at {self.base_url} serves several models ({', '.join(ids)}); "
                "choose one with SUMMARIZER_API_MODEL"
            )
        # No usable list (some servers lack /models): send "default", which single-model servers accept.
        return ids[0] if len(ids) == 1 else ANY_MODEL

    # ------------------------------------------------------------------------------------------ chat

    def _body(self, req: ChatRequest) -> dict[str, Any]:
        return {"model": self.served_model(), **req.openai_body(), "stream": False}

    def _one(self, req: ChatRequest) -> Completion:
        body = self._body(req)
        started = time.perf_counter()

        def failed(message: str) -> Completion:
            return Completion(text="", finish_reason="error", seconds=time.perf_counter() - started, error=message)

        try:
            status, data, tries = self._exchange("POST", "/chat/completions", body)
        except TimeoutError:
            return failed(f"no complete answer from {self.base_url} within {self.read_timeout:g} s "
                          "(SUMMARIZER_API_TIMEOUT)")
        except _Garbled as exc:
            return failed(f"malformed HTTP response from {self.base_url}: {exc}")
        if status == 200:
            return _parse(data, time.perf_counter() - started)
        if status == 404:
            raise ModelError(
                f"{self.base_url}/chat/completions answered 404 ({_error_text(data)}): check the base URL "
                f"(it usually ends in /v1) and the model name {body['model']!r} (SUMMARIZER_API_MODEL)"
            )
        after = f" after {tries} tries" if tries > 1 else ""
        return failed(f"HTTP {status} from {self.base_url}{after}: {_error_text(data)}")

    def chat(self, requests: Sequence[ChatRequest], on_result: OnResult | None = None) -> list[Completion]:
        if not requests:
            return []
        self.served_model()  # fail fast, once, if the server is down, before fanning out

        def run(i: int) -> Completion:
            completion = self._one(requests[i])
            if on_result:
                on_result(i, completion)
            return completion

        futures = [self._pool.submit(run, i) for i in range(len(requests))]
        wait(futures, return_when=FIRST_EXCEPTION)
        failed = next((f for f in futures if f.done() and not f.cancelled() and f.exception()), None)
        if failed is not None:  # server gone or key refused: drop the queue, let running requests end
            for f in futures:
                f.cancel()
            wait(futures)
            raise failed.exception()
        return [f.result() for f in futures]

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def _split(url: str, what: str, form: str) -> urllib.parse.SplitResult:
    """`url` parsed, or a ModelError that quotes it without its credentials."""
    try:
        parts = urllib.parse.urlsplit(url)
        ok = parts.scheme in ("http", "https") and bool(parts.hostname) and (parts.port or 0) >= 0
    except ValueError:  # a port that is not a number or out of range, a broken [IPv6] host
        ok = False
    if not ok:
        raise ModelError(f"bad {what} URL {settings.redact_url(url)!r}: expected {form}")
    return parts


def _basic_auth(url: urllib.parse.SplitResult, header: str) -> dict[str, str]:
    """`header: Basic ...` from the URL's userinfo (percent-decoded), or no header when it has none."""
    if url.username is None:
        return {}
    pair = f"{urllib.parse.unquote(url.username)}:{urllib.parse.unquote(url.password or '')}"
    return {header: "Basic " + base64.b64encode(pair.encode()).decode()}


def _proxy_for(url: urllib.parse.SplitResult) -> str | None:
    """The proxy URL that HTTP(S)_PROXY and NO_PROXY choose for `url`, as urllib decides; never one
    for loopback, where a proxy (typically set for the internet) cannot reach the server."""
    host = url.hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:  # a name
        loopback = False
    proxy = urllib.request.getproxies().get(url.scheme)
    if loopback or not proxy or urllib.request.proxy_bypass(host):
        return None
    return proxy if "://" in proxy else f"http://{proxy}"  # "proxy:3128" is common


def _hang_up(sock: socket.socket, expired: threading.Event) -> None:
    """The deadline passed: shut the socket down so that the blocked read returns at once. The plain
    socket's shutdown, because SSLSocket's also drops its TLS state under the reading thread."""
    expired.set()
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


def _read_body(res: http.client.HTTPResponse) -> bytes:
    """The body, refused unread past MAX_BODY: by its Content-Length, else by reading one byte more."""
    if res.length is None or res.length <= MAX_BODY:
        data = res.read() if res.length is not None else res.read(MAX_BODY + 1)
        if len(data) <= MAX_BODY:
            return data
    raise _Garbled(f"response body over {MAX_BODY >> 20} MiB, not read")


def _parse(data: bytes, seconds: float) -> Completion:
    """A 200 body into a Completion; anything that is not a chat completion becomes an error completion."""
    try:
        out = json.loads(data)
    except ValueError as exc:
        return Completion(text="", finish_reason="error", seconds=seconds,
                          error=f"malformed response ({type(exc).__name__}: {exc}): {data[:200]!r}")
    return Completion.from_openai(out, seconds)


def _error_text(data: bytes) -> str:
    """The server's own error message (OpenAI, vLLM, TGI and llama.cpp each nest it differently)."""
    try:
        out = json.loads(data)
    except ValueError:
        return data[:300].decode(errors="replace").strip() or "empty body"
    if isinstance(out, dict):
        err = out.get("error", out.get("detail", out.get("message")))
        if isinstance(err, dict):
            err = err.get("message", err)
        if err is not None:
            return str(err)[:300]
    return str(out)[:300]


def _retry_after(value: str | None) -> float | None:
    """Retry-After in seconds, from either of its forms (delta-seconds or an HTTP date)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
