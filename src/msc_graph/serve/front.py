"""The front of ``msc-graph serve``: a small HTTP proxy with a watchdog in front of the Oxigraph server.

The Oxigraph server does the SPARQL work (parsing, evaluation, result formats, refusing updates),
bound to a private loopback port. The front listens on the public address and adds what the
Oxigraph server cannot be told to do:

* **no federation**: a query that uses ``SERVICE`` is refused with HTTP 403 before it reaches the
  server, which would otherwise fetch any URL it names (request forgery from a shared endpoint);
* **a hard time bound**: Oxigraph's ``--timeout-s`` does not stop every query (a cross-product
  aggregate ran 147 s past a 5 s timeout and kept a core busy). The watchdog stops any request
  still running ``timeout + margin`` seconds after it arrived by killing the server process and
  starting a new one (a read-only store reopens in a fraction of a second); the request gets HTTP
  503, or its connection is cut when part of the answer was already sent. Other queries running on
  the killed server at that moment get 503 too and can be retried;
* **honest bodies**: answers are relayed with chunked transfer encoding, and an answer that the
  Oxigraph server cut short at its own timeout (HTTP 200, then "The SPARQL operation has been
  cancelled") is not ended cleanly: the connection is closed before the last chunk, so every HTTP
  client sees an incomplete body, never a complete-looking one;
* **bounded load**: at most :data:`MAX_CONCURRENT` requests at once (then 503), request bodies of
  at most :data:`MAX_BODY` bytes (then 413); only ``/query`` (GET, POST) and read-only GETs of the
  query page are relayed, ``/update`` and other writes are refused with 403.
"""

from __future__ import annotations

import math
import os
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import EnvironmentProblem, InputError, QueryError
from ..sparql.text import oxigraph_dialect, refuse_service

if TYPE_CHECKING:
    import http.client
    import http.server

    _ServerBase = http.server.ThreadingHTTPServer
    _HandlerBase = http.server.BaseHTTPRequestHandler
else:  # the real bases are added by _classes(), so that importing this module stays light
    _ServerBase = _HandlerBase = object

#: what the Oxigraph server writes into a 200 answer when it cancels a query at its timeout
CANCELLED = b"The SPARQL operation has been cancelled"
MAX_BODY = 1024 * 1024
MAX_CONCURRENT = 32
#: seconds past ``--timeout`` after which the watchdog stops a request
MARGIN = 1.0
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "te", "trailer", "upgrade"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Linux: the Oxigraph server is killed when the front dies, even by SIGKILL."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


@dataclass
class Backend:
    """The Oxigraph server (``oxigraph serve-read-only``) on a private loopback port, restartable."""

    binary: str
    location: Path
    timeout: float
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    generation: int = 0  # bumped on every restart
    restarts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    idle: list[tuple[int, http.client.HTTPConnection]] = field(default_factory=list)

    def start(self) -> None:
        self.port = _free_port()
        self.process = subprocess.Popen(
            [
                self.binary, "serve-read-only", "--location", str(self.location), "--bind", f"127.0.0.1:{self.port}",
                "--timeout-s", str(max(1, math.ceil(self.timeout))),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,  # noqa: PLW1509 - only prctl, before exec
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise EnvironmentProblem(
                        f"the Oxigraph server did not start on {self.location} (exit code {self.process.poll()})"
                    ) from None
                time.sleep(0.05)

    def connection(self) -> tuple[http.client.HTTPConnection, bool]:
        """A kept-alive connection to the current server (and whether it was reused), waiting while the
        server restarts."""
        import http.client

        with self.lock:
            while self.idle:
                generation, connection = self.idle.pop()
                if generation == self.generation:
                    return connection, True
                connection.close()
            return http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout + MARGIN + 5), False

    def release(self, connection: http.client.HTTPConnection, generation: int) -> None:
        """Keep a connection whose answer was read to the end for the next request."""
        with self.lock:
            if generation == self.generation and len(self.idle) < MAX_CONCURRENT:
                self.idle.append((generation, connection))
                return
        connection.close()

    def restart(self, generation: int) -> None:
        """Kill the server and start a new one, unless another thread already did since ``generation``."""
        with self.lock:
            if generation != self.generation:
                return
            self.stop()
            self.generation += 1
            self.restarts += 1
            self.start()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@dataclass
class _Running:
    started: float
    generation: int
    stopped: bool = False


class Front(_ServerBase):
    """The public side: SPARQL protocol requests checked, relayed, timed and streamed (a
    ``http.server.ThreadingHTTPServer``; the HTTP modules are imported when an endpoint starts)."""

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        if cls is Front:
            return object.__new__(_classes()[0])
        return object.__new__(cls)

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # the default 5 drops connections under load (each costs a 1 s SYN retry)

    def __init__(self, address: tuple[str, int], *, timeout: float, margin: float = MARGIN):
        self.timeout_s = timeout
        self.margin = margin
        self.backend: Backend | None = None
        self.running: dict[int, _Running] = {}
        self.running_lock = threading.Lock()
        self.slots = threading.BoundedSemaphore(MAX_CONCURRENT)
        self._watch = threading.Event()
        try:
            super().__init__(address, _classes()[1])
        except OverflowError as err:
            raise InputError(f"--port {address[1]}: {err}") from None
        except OSError as err:
            reason = (err.strerror or str(err)).lower()
            raise InputError(
                f"cannot listen on {address[0]}:{address[1]} ({reason}); choose another --port (or --host)"
            ) from None

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        name = host.decode() if isinstance(host, bytes) else str(host)
        return f"http://{name}:{port}/query"

    def attach(self, backend: Backend) -> None:
        self.backend = backend
        threading.Thread(target=self._watchdog, name="msc-graph watchdog", daemon=True).start()

    def _watchdog(self) -> None:
        """Stop every request that runs past ``timeout + margin``: kill and restart the server."""
        assert self.backend is not None
        while not self._watch.wait(0.05):
            now = time.monotonic()
            limit = self.timeout_s + self.margin
            with self.running_lock:
                late = [r for r in self.running.values() if not r.stopped and now - r.started > limit]
                for r in late:
                    r.stopped = True
            for generation in sorted({r.generation for r in late}):
                self.backend.restart(generation)

    def server_close(self) -> None:
        self._watch.set()
        super().server_close()
        if self.backend is not None:
            self.backend.stop()


class _Handler(_HandlerBase):
    """Each request (a ``http.server.BaseHTTPRequestHandler``)."""

    server: Any
    protocol_version = "HTTP/1.1"
    server_version = "msc-graph"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass  # quiet: a shared endpoint would log every query otherwise

    # ------------------------------------------------------------------ routing
    def do_GET(self) -> None:  # noqa: N802 - the base class's naming
        self._handle("GET")

    def do_HEAD(self) -> None:  # noqa: N802
        self._handle("HEAD")

    def do_POST(self) -> None:  # noqa: N802
        self._handle("POST")

    def _other(self) -> None:
        self._answer(405, "only GET and POST queries are served (read-only endpoint)")

    do_PUT = do_DELETE = do_PATCH = _other  # noqa: N815

    def _handle(self, method: str) -> None:
        self.close_connection = True
        path, _, query_string = self.path.partition("?")
        body = b""
        if method == "POST":
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                length = -1
            if length < 0 or length > MAX_BODY:
                self._answer(413, f"the request body must be at most {MAX_BODY} bytes")
                return
            body = self.rfile.read(length)
        if path.rstrip("/") == "/update" or (method == "POST" and path != "/query"):
            self._answer(403, "updates are refused: this is a read-only SPARQL endpoint")
            return
        if path == "/query":
            try:
                text = self._query_text(method, query_string, body)
            except UnicodeDecodeError:
                self._answer(400, "the query is not UTF-8")
                return
            if text is None:
                self._answer(400, "no query: send query=... (GET or form POST) or an application/sparql-query body")
                return
            try:
                refuse_service(text)
            except QueryError as err:
                self._answer(403, str(err))
                return
            dialect = text if re.search(r"\bLATERAL\b", text, re.IGNORECASE) else oxigraph_dialect(text)
            if method != "HEAD" and dialect != text:  # a text already in the dialect is relayed as sent
                method, body = self._rewritten(dialect, query_string, body)
        if not self.server.slots.acquire(timeout=5):
            self._answer(503, "too many requests at once; retry")
            return
        try:
            self._relay(method, body)
        finally:
            self.server.slots.release()

    def _rewritten(self, dialect: str, query_string: str, body: bytes) -> tuple[str, bytes]:
        """The request as a form POST of the query (``dialect``) in the embedded store's Oxigraph dialect
        (:func:`~msc_graph.sparql.text.oxigraph_dialect`: OPTIONAL and the patterns after a
        subquery as LATERAL, which change how Oxigraph plans a query, never its answer). The
        server behind this front is Oxigraph with the same planner: without the rewrite a
        question the embedded store answers in 2 ms took 16 s there at 100k claims. The other
        protocol parameters (default-graph-uri ...) are kept."""
        params = urllib.parse.parse_qsl(query_string, keep_blank_values=True)
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if content_type == "application/x-www-form-urlencoded" and body:
            params += urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True)
        params = [(k, v) for k, v in params if k != "query"] + [("query", dialect)]
        self.path = "/query"
        self._content_type = "application/x-www-form-urlencoded"
        return "POST", urllib.parse.urlencode(params).encode("utf-8")

    def _query_text(self, method: str, query_string: str, body: bytes) -> str | None:
        params = urllib.parse.parse_qs(query_string, strict_parsing=False)
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if method == "POST" and content_type == "application/sparql-query":
            return body.decode("utf-8")
        if method == "POST" and content_type == "application/x-www-form-urlencoded":
            params = {**params, **urllib.parse.parse_qs(body.decode("utf-8"))}
        values = params.get("query") or []
        if len(values) != 1:
            return None
        return values[0]

    # ------------------------------------------------------------------ relaying
    def _relay(self, method: str, body: bytes) -> None:
        import http.client

        front, backend = self.server, self.server.backend
        assert backend is not None
        me = _Running(time.monotonic(), backend.generation)
        key = threading.get_ident()
        with front.running_lock:
            front.running[key] = me
        sent_head = False
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP | {"host"}}
        content_type = getattr(self, "_content_type", None)
        if content_type is not None:  # the query was rewritten into a form body (_rewritten)
            headers = {k: v for k, v in headers.items() if k.lower() not in ("content-type", "content-length")}
            headers["Content-Type"] = content_type
        if body:
            headers["Content-Length"] = str(len(body))
        try:
            while True:
                connection, reused = backend.connection()
                me.generation = backend.generation
                try:
                    connection.request(method, self.path, body=body or None, headers=headers)
                    response = connection.getresponse()
                    break
                except (OSError, http.client.HTTPException):
                    connection.close()
                    if not reused or me.stopped:
                        raise  # a kept connection the server had closed is retried once, fresh
            self.send_response(response.status, response.reason)
            for name, value in response.getheaders():
                if name.lower() not in _HOP_BY_HOP:
                    self.send_header(name, value)
            chunked = method != "HEAD"
            if chunked:
                self.send_header("Transfer-Encoding", "chunked")
            self.send_header("Connection", "close")
            self.end_headers()
            sent_head = True
            if not chunked:
                response.read()
                backend.release(connection, me.generation)
                return
            tail = b""
            while True:
                data = response.read1(65536) if hasattr(response, "read1") else response.read(65536)
                if not data:
                    break
                data = tail + data
                tail = data[-len(CANCELLED) :]
                self._chunk(data[: -len(CANCELLED)])
            if response.status == 200 and tail.endswith(CANCELLED):
                return  # cut short: close without the last chunk, so the client sees an incomplete body
            self._chunk(tail)
            self.wfile.write(b"0\r\n\r\n")
            if not response.will_close:
                backend.release(connection, me.generation)
        except (OSError, http.client.HTTPException) as err:
            if os.environ.get("MSC_GRAPH_DEBUG"):
                print("relay failed:", repr(err), flush=True)
            if not sent_head:
                if me.stopped:
                    self._answer(
                        503,
                        f"the query was stopped: it ran past this endpoint's timeout of {front.timeout_s:g} s "
                        "(the server was restarted); narrow the query",
                    )
                else:
                    self._answer(503, "the SPARQL server was restarted (to stop another runaway query); retry")
        finally:
            with front.running_lock:
                front.running.pop(key, None)

    def _chunk(self, data: bytes) -> None:
        if data:
            self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")

    def _answer(self, status: int, message: str) -> None:
        data = (message + "\n").encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)
        except OSError:
            pass  # the client went away


@cache
def _classes() -> tuple[type, type]:
    """The server and handler classes, made on first use with the standard HTTP modules."""
    import http.server

    front = type("Front", (Front, http.server.ThreadingHTTPServer), {})
    handler = type("Handler", (_Handler, http.server.BaseHTTPRequestHandler), {})
    return front, handler


def serve(front: Front, location: Path, binary: str) -> None:
    """Start the Oxigraph server behind ``front`` and serve until SIGTERM or SIGINT."""
    backend = Backend(binary, location, front.timeout_s)
    backend.start()
    front.attach(backend)

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        front.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        front.server_close()
