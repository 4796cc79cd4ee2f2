"""A SPARQL 1.1 Protocol client: msc-graph's questions against any endpoint URL.

Parameters are bound by a ``VALUES`` block that the client inserts at the start of the
query's outer group, with every value serialised as an RDF term (IRIs checked, literals
escaped): values are never pasted as text. Answers are checked for completeness: some
servers (the Oxigraph server among them) answer a timed-out query with HTTP 200 and a
truncated body, which is reported as a timeout, never returned as a partial answer.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from .errors import QueryError
from .namespaces import PREFIXES

_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def term_to_sparql(term: Any) -> str:
    """Serialise a pyoxigraph term (or str/int) as SPARQL syntax, safely."""
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        if _IRI_FORBIDDEN.search(term.value):
            raise QueryError(f"not a valid IRI: {term.value!r}")
        return f"<{term.value}>"
    if isinstance(term, ox.Literal):
        text = json.dumps(term.value, ensure_ascii=False)  # escapes quotes, backslashes, newlines
        datatype = term.datatype.value
        if term.language:
            return f"{text}@{term.language}"
        if datatype == "http://www.w3.org/2001/XMLSchema#string":
            return text
        return f"{text}^^<{datatype}>"
    if isinstance(term, int):
        return str(int(term))
    return json.dumps(str(term), ensure_ascii=False)


def prefix_block() -> str:
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(PREFIXES.items()))


def _strip_comments(sparql: str) -> str:
    return "\n".join(line for line in sparql.splitlines() if not line.lstrip().startswith("#"))


def _values_block(bindings: dict[str, Any], names: list[str]) -> str:
    return (
        " VALUES ("
        + " ".join(f"?{n}" for n in names)
        + ") { ("
        + " ".join(term_to_sparql(bindings[n]) for n in names)
        + ") }\n"
    )


def _projected(projection: str) -> set[str]:
    """The plain variables of a SELECT projection (not those inside expressions or after AS)."""
    depth, names = 0, set()
    for token in re.finditer(r"[()]|\?\w+", projection):
        text = token.group()
        depth += {"(": 1, ")": -1}.get(text, 0)
        if text.startswith("?") and depth == 0:
            names.add(text[1:])
    return names


_UPDATE = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")


def refuse_updates(sparql: str) -> None:
    """Raise QueryError when the text is a SPARQL update, not a query (for the embedded store and endpoints)."""
    body = "\n".join(line for line in sparql.splitlines() if not line.lstrip().startswith("#"))
    for token in body.replace("{", " ").split():
        upper = token.upper()
        if upper in ("PREFIX", "BASE") or ":" in token or token.startswith("<"):
            continue
        if upper in _UPDATE:
            raise QueryError(f"update requests are refused ({upper}); msc-graph answers read-only queries")
        break


def bind_with_values(sparql: str, bindings: dict[str, Any]) -> str:
    """Insert ``VALUES (?a ?b) { (<x> "y") }`` at the start of the outer WHERE group, and into
    every subquery that projects a bound variable.

    Pushing the binding into a subquery gives the same answers (the outer group joins on that
    variable anyway; a projected plain variable of an aggregate subquery is a GROUP BY key) and
    lets the engine evaluate the subquery for the bound value only instead of for the whole graph.
    Queries with LIMIT or OFFSET are bound in the outer group only (there it would not commute).
    """
    text = _strip_comments(sparql)
    if not bindings:
        return text
    selects = list(re.finditer(r"\bSELECT\b([^{}]*?)\bWHERE\s*\{", text, re.IGNORECASE))
    if not selects:
        match = re.search(r"\bWHERE\s*\{", text, re.IGNORECASE)
        if match is None:
            raise QueryError("cannot bind parameters: the query has no WHERE clause")
        return text[: match.end()] + _values_block(bindings, sorted(bindings)) + text[match.end() :]
    push = not re.search(r"\b(LIMIT|OFFSET)\b", text, re.IGNORECASE)
    inserts = [(selects[0].end(), sorted(bindings))]
    for sub in selects[1:] if push else []:
        names = sorted(set(bindings) & _projected(sub.group(1)))
        if names:
            inserts.append((sub.end(), names))
    for position, names in sorted(inserts, reverse=True):
        text = text[:position] + _values_block(bindings, names) + text[position:]
    return text


@dataclass
class RemoteEndpoint:
    """A SPARQL 1.1 Protocol endpoint (query operation only)."""

    url: str
    timeout: float = 60.0

    def request(self, sparql: str, accept: str = "application/sparql-results+json") -> bytes:
        body = urllib.parse.urlencode({"query": sparql}).encode()
        req = urllib.request.Request(
            self.url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
        )
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as response:  # noqa: S310 - user-given URL
                return response.read()
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
            raise QueryError(f"cannot reach the SPARQL endpoint {self.url}: {reason}") from err

    def select(self, sparql: str, bindings: dict[str, Any] | None = None) -> tuple[list[str], list[dict[str, Any]]]:
        refuse_updates(sparql)
        text = prefix_block() + bind_with_values(sparql, bindings or {})
        data = parse_results(self.request(text), self.url)
        if "boolean" in data:
            return ["ask"], [{"ask": bool(data["boolean"])}]
        columns = list(data.get("head", {}).get("vars", []))
        rows = [{c: _json_term(b.get(c)) for c in columns} for b in data.get("results", {}).get("bindings", [])]
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


def _json_term(term: dict[str, Any] | None) -> Any:
    """A SPARQL JSON results term as the same Python value the embedded store gives."""
    from .namespaces import iri_to_curie

    if term is None:
        return None
    kind, value = term.get("type"), term.get("value")
    if kind == "uri":
        return iri_to_curie(value)
    if kind == "bnode":
        return f"_:{value}"
    datatype = term.get("datatype", "")
    if datatype.endswith(("#integer", "#nonNegativeInteger", "#int", "#long")):
        return int(value)
    if datatype.endswith(("#decimal", "#double", "#float")):
        return float(value)
    if datatype.endswith("#boolean"):
        return value in ("true", "1")
    return value
