"""A shared endpoint: SERVICE refused (a local listener receives nothing), a runaway query stopped by
the server near its timeout, cut-off bodies and oversized answers reported by the client, and the
load test honest about failures."""

from __future__ import annotations

import contextlib
import http.client
import http.server
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from sparql_servers import free_port, oxigraph_server

import msc_graph
from msc_graph.errors import QueryError
from msc_graph.sparql.remote import RemoteEndpoint

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def listener():
    """A TCP listener on loopback that records every connection it receives."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.1)
    received: list[bytes] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            conn.settimeout(1)
            try:
                received.append(conn.recv(4096))
            except OSError:
                received.append(b"(connected)")
            conn.close()

    thread = threading.Thread(target=accept)
    thread.start()
    try:
        yield server.getsockname()[1], received
    finally:
        stop.set()
        thread.join()
        server.close()


@pytest.fixture(scope="module")
def endpoint():
    with oxigraph_server(timeout=2) as url:
        yield url


def _federated(port: int) -> list[str]:
    target = f"http://127.0.0.1:{port}/sparql"
    return [
        f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"select * where {{ service silent <{target}> {{ ?s ?p ?o }} }}",
        f"PREFIX x: <http://127.0.0.1:{port}/> SELECT * WHERE {{ SERVICE x:sparql {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ BIND(<{target}> AS ?u) SERVICE ?u {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SeRvIcE <{target}> {{ ?s ?p ?o }} }} }} }}",
        f"# a comment\nASK {{ ?s ?p ?o . SERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ OPTIONAL {{ SERVICE <{target}> {{ ?s ?p ?o }} }} }}",
    ]


def _send(url: str, query: str, how: str) -> tuple[int, str]:
    if how == "get":
        request = urllib.request.Request(f"{url}?{urllib.parse.urlencode({'query': query})}")
    elif how == "form":
        request = urllib.request.Request(url, data=urllib.parse.urlencode({"query": query}).encode())
    else:
        request = urllib.request.Request(url, data=query.encode(), headers={"Content-Type": "application/sparql-query"})
    request.add_header("Accept", "application/sparql-results+json")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


@pytest.mark.slow
def test_service_is_refused_by_the_served_endpoint_and_nothing_is_called(endpoint):
    with listener() as (port, received):
        for query in _federated(port):
            for how in ("get", "form", "body"):
                status, text = _send(endpoint, query, how)
                assert status == 403 and "SERVICE" in text, (query, how, status, text)
        time.sleep(0.3)
    assert received == []
    status, text = _send(endpoint, "SELECT ?service WHERE { ?service ?p 'SERVICE' } LIMIT 1", "get")
    assert status == 200  # the word in a variable or a string is not a SERVICE call


@pytest.mark.slow
def test_service_is_refused_by_the_library_on_every_back_end(endpoint):
    with listener() as (port, received):
        for kg in (msc_graph.load(), msc_graph.load(endpoint=endpoint)):
            for query in _federated(port):
                with pytest.raises(QueryError, match="SERVICE"):
                    kg.query(query)
        time.sleep(0.3)
    assert received == []


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        out += [int(c) for c in (task / "children").read_text().split()]
    return out


@pytest.mark.slow
def test_a_runaway_query_is_stopped_by_the_server_near_its_timeout():
    """The Oxigraph server's own --timeout-s lets this aggregate run for minutes; the front kills it at
    --timeout + 1 s. Measured: the answer (HTTP 503) comes after about 3.0 s with --timeout 2."""
    port = free_port()
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "msc-graph"), "serve", "--port", str(port), "--timeout", "2"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}/query"
    try:
        from msc_graph.serve import wait_until_ready

        wait_until_ready(url, seconds=120)
        before = _children(proc.pid)
        aggregate = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
        started = time.monotonic()
        status, text = _send(url, aggregate, "form")
        elapsed = time.monotonic() - started
        assert status == 503 and "timeout of 2 s" in text, (status, text)
        assert elapsed < 2 + 1 + 1.5, elapsed  # --timeout, the margin, and slack for a loaded machine
        deadline = time.monotonic() + 10
        while (after := _children(proc.pid)) in ([], before) and time.monotonic() < deadline:
            time.sleep(0.05)  # the killed server is reaped and the new one started just after the answer
        assert len(before) == len(after) == 1 and before != after  # the busy server is gone, a new one serves
        assert not Path(f"/proc/{before[0]}").exists()
        assert _send(url, "ASK { ?s ?p ?o }", "get") == (200, '{"head":{},"boolean":true}')
        with pytest.raises(QueryError, match="HTTP 503: the query was stopped"):
            msc_graph.load(endpoint=url, timeout=30).query(aggregate)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    assert proc.returncode is not None


# ----------------------------------------------------------------------------- client


class _Fake(http.server.BaseHTTPRequestHandler):
    """Answers every POST the way ``server.mode`` says: cut bodies, endless bodies, truncated JSON."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:
        pass

    def do_POST(self) -> None:  # noqa: N802
        received = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.received = (self.path, self.headers.get("Content-Type"), received)  # type: ignore[attr-defined]
        mode = self.server.mode  # type: ignore[attr-defined]
        body = b'{"head":{"vars":["a"]},"results":{"bindings":[' + b'{"a":{"type":"literal","value":"x"}},' * 50
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        if mode == "short":  # fewer bytes than announced, then the connection closes
            self.send_header("Content-Length", str(len(body) * 2))
            self.end_headers()
            self.wfile.write(body)
        elif mode == "chunked-cut":  # chunks, then the connection closes without the last chunk
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.wfile.write(f"{len(body):x}\r\n".encode() + body + b"\r\n")
        elif mode == "cancelled":  # what the Oxigraph server sends at its timeout
            data = body + b"The SPARQL operation has been cancelled"
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        elif mode == "endless":
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.server.sent = 0  # type: ignore[attr-defined]
            try:
                while self.server.sent < 64 * 2**20:  # type: ignore[attr-defined]
                    block = b"x" * 65536
                    self.wfile.write(f"{len(block):x}\r\n".encode() + block + b"\r\n")
                    self.server.sent += len(block)  # type: ignore[attr-defined]
            except OSError:
                pass
        self.close_connection = True


@contextmanager
def fake_endpoint(mode: str):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Fake)
    server.mode = mode  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server, f"http://127.0.0.1:{server.server_address[1]}/query"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.mark.parametrize("mode", ["short", "chunked-cut", "cancelled"])
def test_every_cut_off_body_is_an_incomplete_answer(mode):
    with fake_endpoint(mode) as (_, url), pytest.raises(QueryError, match="incomplete answer"):
        RemoteEndpoint(url, timeout=10).select("SELECT ?a WHERE { ?a ?b ?c }")


def test_an_oversized_answer_is_refused_while_streaming():
    with fake_endpoint("endless") as (server, url):
        with pytest.raises(QueryError, match="larger than 1,048,576 bytes"):
            RemoteEndpoint(url, timeout=10, max_bytes=2**20).select("SELECT ?a WHERE { ?a ?b ?c }")
        time.sleep(0.2)
        assert server.sent < 16 * 2**20  # the client stopped reading; it did not buffer the whole answer


def test_the_front_never_ends_a_cancelled_answer_cleanly():
    """An answer the Oxigraph server cut at its timeout (HTTP 200 + the cancellation text) reaches the
    client without its last chunk, so even a naive client cannot take it for a whole answer."""
    with fake_endpoint("cancelled") as (server, _), front_over(server) as front:
        url = front.url
        request = urllib.request.Request(url, data=b"query=SELECT%20*%20WHERE%20%7B%7D")
        with pytest.raises(http.client.IncompleteRead), urllib.request.urlopen(request, timeout=10) as response:
            response.read()
        with pytest.raises(QueryError, match="incomplete answer"):
            RemoteEndpoint(url, timeout=10).select("SELECT * WHERE {}")


@contextmanager
def front_over(server):
    """serve's front relaying to a fake endpoint (as it relays to the Oxigraph server)."""
    from msc_graph.serve.front import Backend, Front

    front = Front(("127.0.0.1", 0), timeout=5)
    front.backend = Backend("unused", Path("."), 5, port=server.server_address[1])
    thread = threading.Thread(target=front.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield front
    finally:
        front.shutdown()
        front.server_close()
        thread.join()


def test_a_busy_or_invalid_port_fails_before_the_url_is_printed():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        from helpers import run_cli

        result = run_cli(None, "serve", "--port", str(port), timeout=60)
        assert result.returncode == 2
        assert result.stderr.strip().splitlines() == [
            f"msc-graph: cannot listen on 127.0.0.1:{port} (address already in use); choose another --port (or --host)"
        ]
    result = run_cli(None, "serve", "--port", "99999", timeout=60)
    assert result.returncode == 2 and "SPARQL endpoint" not in result.stderr
    assert result.stderr.count("\n") == 1 and "99999 is not in the range" in result.stderr


def test_the_load_test_reports_failures_apart_and_exits_non_zero():
    url = f"http://127.0.0.1:{free_port()}/query"  # nothing listens there
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "load_test.py"), "--url", url, "--clients", "2", "--queries", "5"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ},
    )
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["requests"] == 10 and report["succeeded"] == 0 and report["failed"] == 10
    assert report["throughput_qps"] == 0 and report["latency_ms"] is None
    assert sum(report["failures"].values()) == 10


def test_the_front_relays_the_query_in_the_embedded_stores_oxigraph_dialect():
    """The server behind the front is Oxigraph, whose planner the embedded store's rewrites are for
    (an OPTIONAL as LATERAL { OPTIONAL }: same answer, a for-loop join); the front applies them to
    a GET or a POST alike and keeps the other protocol parameters."""
    from msc_graph.sparql.text import oxigraph_dialect

    query = "SELECT ?a ?l WHERE { ?a ?b ?c OPTIONAL { ?a <http://www.w3.org/2000/01/rdf-schema#label> ?l } }"
    assert "LATERAL" in oxigraph_dialect(query)
    with fake_endpoint("short") as (server, _), front_over(server) as front:
        for how in ("get", "post"):
            data = urllib.parse.urlencode({"query": query, "default-graph-uri": "http://example.org/g"})
            request = (
                urllib.request.Request(f"{front.url}?{data}")
                if how == "get"
                else urllib.request.Request(front.url, data=data.encode())
            )
            with contextlib.suppress(http.client.IncompleteRead), urllib.request.urlopen(request, timeout=10) as r:
                r.read()
            path, content_type, body = server.received
            sent = dict(urllib.parse.parse_qsl(body.decode()))
            assert path == "/query" and content_type == "application/x-www-form-urlencoded"
            assert sent == {"query": oxigraph_dialect(query), "default-graph-uri": "http://example.org/g"}, how
