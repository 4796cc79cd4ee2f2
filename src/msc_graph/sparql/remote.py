"""A SPARQL 1.1 Protocol client: msc-graph's questions against any endpoint URL.

Parameters are bound by a ``VALUES`` block that the client inserts at the start of the
query's outer group, with every value serialised as an RDF term (IRIs checked, literals
escaped): values are never pasted as text. Answers are read as a stream, bounded in size
(``max_bytes``) and in total time (``timeout``), and checked for completeness: a body cut off
mid-way (a closed connection, a short chunked body, fewer bytes than announced) and the
truncated 200 answers some servers give at their timeout (the Oxigraph server among them) are
reported as an "incomplete answer", never returned as a partial one.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from ..errors import InputError, QueryError
from .text import bind_with_values, json_term, prefix_block, refuse_service, refuse_updates

#: the largest answer read from an endpoint (bytes); a bigger one is refused, not buffered
MAX_BYTES = 256 * 1024 * 1024


@dataclass
class RemoteEndpoint:
    """A SPARQL 1.1 Protocol endpoint (query operation only)."""

    url: str
    timeout: float = 60.0
    max_bytes: int = MAX_BYTES

    def __post_init__(self) -> None:
        import urllib.parse

        parts = urllib.parse.urlsplit(str(self.url))
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise InputError(
                f"--endpoint {self.url!r} is not an http(s) URL; give the SPARQL endpoint's full address, "
                "e.g. http://127.0.0.1:7878/query"
            )
        try:
            parts.port  # noqa: B018 - raises on a port out of range
        except ValueError as err:
            raise InputError(f"--endpoint {self.url!r}: {err}; give the SPARQL endpoint's full address") from None

    def request(self, sparql: str, accept: str = "application/sparql-results+json") -> bytes:
        import http.client  # the HTTP client, imported when a query is sent
        import urllib.error
        import urllib.parse
        import urllib.request

        body = urllib.parse.urlencode({"query": sparql}).encode()
        req = urllib.request.Request(
            self.url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
        )
        started = time.monotonic()
        received = 0
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as response:  # noqa: S310 - user-given URL
                chunks = []
                while chunk := response.read(1 << 16):
                    received += len(chunk)
                    if received > self.max_bytes:
                        raise QueryError(
                            f"the answer from {self.url} is larger than {self.max_bytes:,} bytes, the limit; "
                            "narrow the query (LIMIT, filters) or raise max_bytes"
                        )
                    if time.monotonic() - started > self.timeout:
                        raise TimeoutError
                    chunks.append(chunk)
                return b"".join(chunks)
        except http.client.HTTPException as err:  # IncompleteRead, a bad chunk, a dropped connection
            raise QueryError(
                f"{self.url} returned an incomplete answer (the body was cut off after {received:,} bytes: "
                f"{type(err).__name__}); the server probably stopped the query at its timeout; narrow it or retry"
            ) from err
        except urllib.error.HTTPError as err:
            detail = err.read().decode("utf-8", "replace").strip().splitlines()
            raise QueryError(
                f"the endpoint {self.url} answered HTTP {err.code}: {detail[0][:300] if detail else err.reason}"
            ) from err
        except TimeoutError as err:
            raise QueryError(
                f"the query did not finish within {self.timeout:g} s at {self.url} (timeout); "
                "narrow it or raise the timeout"
            ) from err
        except (urllib.error.URLError, OSError) as err:
            reason = getattr(err, "reason", err)
            if isinstance(reason, TimeoutError) or "timed out" in str(reason):
                raise QueryError(
                    f"the query did not finish within {self.timeout:g} s at {self.url} (timeout); "
                    "narrow it or raise the timeout"
                ) from err
            if received:
                raise QueryError(
                    f"{self.url} returned an incomplete answer (the connection broke after {received:,} bytes: "
                    f"{reason}); narrow the query or retry"
                ) from err
            raise QueryError(f"cannot reach the SPARQL endpoint {self.url}: {reason}") from err

    def select(self, sparql: str, bindings: dict[str, Any] | None = None) -> tuple[list[str], list[dict[str, Any]]]:
        refuse_updates(sparql)
        refuse_service(sparql)
        text = prefix_block() + bind_with_values(sparql, bindings or {})
        data = parse_results(self.request(text), self.url)
        if "boolean" in data:
            return ["ask"], [{"ask": bool(data["boolean"])}]
        columns = list(data.get("head", {}).get("vars", []))
        rows = [{c: json_term(b.get(c)) for c in columns} for b in data.get("results", {}).get("bindings", [])]
        return columns, rows


def parse_results(raw: bytes, url: str = "the endpoint") -> dict[str, Any]:
    """Parse SPARQL JSON results, refusing truncated answers.

    The Oxigraph server answers a cancelled query with HTTP 200, the start of the JSON and
    then the text "The SPARQL operation has been cancelled": that is a timeout, not an answer.
    """
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise QueryError(
            f"{url} returned an incomplete answer ({len(raw)} bytes, not valid JSON): the query probably hit "
            "the server's timeout; narrow it or raise the timeout"
        ) from err
    if not isinstance(data, dict) or ("boolean" not in data and "results" not in data):
        raise QueryError(f"{url} did not return SPARQL JSON results")
    return data
