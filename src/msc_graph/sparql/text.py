r"""SPARQL text: refusing updates, binding parameters with a VALUES block, the Oxigraph
rewrites, serialising and reading RDF terms, and the query files the package ships.

Values are never pasted into a query as text: each one is serialised as a checked RDF term
(IRIs checked for forbidden characters, literals escaped) inside a ``VALUES`` block.

>>> bind_with_values("SELECT ?x WHERE { ?x a ?t }", {"t": 5})
'SELECT ?x WHERE { VALUES (?t) { (5) }\n ?x a ?t }'
>>> refuse_updates("DELETE WHERE { ?s ?p ?o }")
Traceback (most recent call last):
...
msc_graph.errors.QueryError: update requests are refused (DELETE); msc-graph answers read-only queries
"""

from __future__ import annotations

import json
import re
import string
from dataclasses import dataclass
from functools import cache
from typing import Any

from ..errors import QueryError
from ..namespaces import PREFIXES, curie_to_iri, iri_to_curie
from ..project import package_file


@cache
def query_file(name: str) -> str:
    """The text of a query shipped with the package (``sparql/queries/<name>.rq``).

    >>> "msc:Document" in query_file("document-ids")
    True
    """
    return package_file("sparql", "queries", f"{name}.rq").read_text(encoding="utf-8")


def fill(template: str, **parts: str) -> str:
    """A query file (comment lines dropped) with its ``$name`` placeholders filled (parts derived
    from the ontology)."""
    return string.Template(_strip_comments(template)).safe_substitute(parts)


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


#: the tokens of a SPARQL text, enough to find keywords: comments, strings, IRIs, variables and prefixed
#: names are matched whole so that a keyword inside one of them does not count
_TOKENS = re.compile(
    r"(?P<comment>#[^\n\r]*)"
    r'|(?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n\r]|\\.)*"'
    r"|'(?:[^'\\\n\r]|\\.)*')"
    r'|(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)'
    r"|(?P<var>[?$]\w+)"
    r"|(?P<pname>[^\W\d][\w.-]*:[\w.:%\\-]*|:[\w.:%\\-]*)"
    r"|(?P<word>[^\W\d]\w*)"
    r"|(?P<other>.)",
    re.DOTALL,
)
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def keywords(sparql: str) -> set[str]:
    r"""The bare words of a SPARQL text, upper-cased: keywords and function names, not the words inside
    comments, strings, IRIs, variable or prefixed names. The text is read both as written and with its
    ``\u`` escapes decoded (SPARQL allows them anywhere), so an escape cannot hide a keyword.

    >>> sorted(keywords('SELECT ?service WHERE { ?s ex:service "SERVICE" } # SERVICE'))
    ['SELECT', 'WHERE']
    >>> "SERVICE" in keywords(r"SELECT * { \u0053ERVICE <http://x/> { ?s ?p ?o } }")
    True
    """

    def decode(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF else match.group()

    words = set()
    for text in {sparql, _CODEPOINT.sub(decode, sparql)}:
        for token in _TOKENS.finditer(text):
            if token.lastgroup == "word":
                words.add(token.group().upper())
    return words


def refuse_service(sparql: str) -> None:
    """Raise QueryError when the query calls another endpoint (``SERVICE``, a federated query): msc-graph
    answers from its own graph, and a served endpoint must not be made to fetch other URLs.

    >>> refuse_service("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    Traceback (most recent call last):
    ...
    msc_graph.errors.QueryError: SERVICE (federated queries) is refused; msc-graph answers from its own graph only
    """
    if "\\" not in sparql and "SERVICE" not in sparql.upper():
        return  # the common case, without tokenising
    if "SERVICE" in keywords(sparql):
        raise QueryError("SERVICE (federated queries) is refused; msc-graph answers from its own graph only")


def bind_with_values(sparql: str, bindings: dict[str, Any]) -> str:
    """Insert ``VALUES (?a ?b) { (<x> "y") }`` at the start of the outer WHERE group, and into
    every subquery that projects a bound variable.

    Pushing the binding into a subquery gives the same answers (the outer group joins on that
    variable anyway; a projected plain variable of an aggregate subquery is a GROUP BY key) and
    lets the engine evaluate the subquery for the bound value only instead of for the whole graph.
    Queries with LIMIT or OFFSET are bound in the outer group only (there it would not commute):
    a named query's page (:func:`paged`) is cut after its parameters are bound.
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


def sparql_term(curie_or_iri: str) -> str:
    """One CURIE or IRI as a SPARQL IRI term, checked (never pasted unchecked)."""
    import pyoxigraph as ox

    iri = curie_or_iri if curie_or_iri.startswith(("http://", "https://")) else curie_to_iri(curie_or_iri)
    return term_to_sparql(ox.NamedNode(iri))


def values_block(variable: str, curies: list[str]) -> str:
    """``VALUES ?variable { <a> <b> }`` with every IRI checked."""
    return f"VALUES ?{variable} {{ {' '.join(sparql_term(c) for c in curies)} }}"


def with_values(query: str, block: str) -> str:
    """The query (comment lines dropped) with ``block`` at the start of its (first) WHERE group."""
    query = _strip_comments(query)
    match = re.search(r"\bWHERE\s*\{", query)
    if match is None:
        raise ValueError("the query has no WHERE group")
    return query[: match.end()] + " " + block + "\n" + query[match.end() :]


def to_python(term: Any) -> Any:
    """A pyoxigraph term as a plain Python value (IRIs as compact CURIEs where possible)."""
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return iri_to_curie(term.value)
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        if datatype.endswith(("#integer", "#nonNegativeInteger", "#int", "#long")):
            return int(term.value)
        if datatype.endswith(("#decimal", "#double", "#float")):
            return float(term.value)
        if datatype.endswith("#boolean"):
            return term.value == "true"
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term)


def _skip(text: str, i: int) -> int:
    """The index after the string literal, IRI or comment starting at ``text[i]`` (else ``i``)."""
    char = text[i]
    if char in "\"'":
        quote = text[i : i + 3] if text[i : i + 3] in ('"""', "'''") else char
        j = i + len(quote)
        while j < len(text) and not text.startswith(quote, j):
            j += 2 if text[j] == "\\" else 1
        return j + len(quote)
    if char == "<":
        match = _IRI.match(text, i)
        return match.end() if match else i
    if char == "#":
        end = text.find("\n", i)
        return len(text) if end < 0 else end
    return i


_PLAIN = re.compile(r"(?:[^\"'<#{}Oo]|[Oo](?!(?i:ptional)))*")
_IRI = re.compile(r"<[^<>\"{}|^`\\\s]*>")
_OPTIONAL = re.compile(r"OPTIONAL\s*\{", re.IGNORECASE)
_SUBQUERY = re.compile(r"\{\s*SELECT\b", re.IGNORECASE)


def oxigraph_dialect(sparql: str) -> str:
    """Rewrite a query so that Oxigraph 0.5 evaluates it as nested loops from its selective part.

    * ``OPTIONAL { P }`` becomes ``LATERAL { OPTIONAL { P } }``. A plain OPTIONAL is evaluated
      by building a hash table of its whole right side: ``OPTIONAL { ?a msc:cue ?cue }`` reads
      every cue in the graph even for one row on the left (0.45 s per query at 100k claims).
      Under LATERAL (SEP-0006, which Oxigraph implements) it is a for-loop left join.
    * After a subquery, the rest of its group becomes ``LATERAL { rest }``: a subquery is never
      joined by nested loops, so the patterns after it were evaluated for the whole graph and
      hash-joined (risks-and-regulation: 21 s at 100k claims for a subquery with no rows).

    The answers are the same for groups whose OPTIONAL parts only add variables and whose
    subqueries are joined on their projected variables, as in msc-graph's queries; the tests
    compare every named query, bound and free, against the plain text, and the Oxigraph
    server and Virtuoso (which get the plain text) against the embedded store. Text that does
    not scan cleanly (unbalanced braces) is returned unchanged.
    """
    out: list[str] = []
    after: list[int] = []  # depths whose closing brace gets an extra " }" after it (OPTIONAL)
    before: list[int] = []  # depths whose closing brace gets an extra " }" before it (rest after a subquery)
    subqueries: list[int] = []  # depths of the groups that are subqueries
    depth = i = 0
    while i < len(sparql):
        run = _PLAIN.match(sparql, i)  # copy runs without any character of interest at once
        plain = run.end() if run else i
        if plain != i:
            out.append(sparql[i:plain])
            i = plain
            continue
        j = _skip(sparql, i)
        if j != i:
            out.append(sparql[i:j])
            i = j
            continue
        match = _OPTIONAL.match(sparql, i)
        if match and (i == 0 or not (sparql[i - 1].isalnum() or sparql[i - 1] in "_:?$")):
            out.append("LATERAL { " + match.group())
            depth += 1
            after.append(depth)
            i = match.end()
            continue
        char = sparql[i]
        out.append(char)
        if char == "{":
            depth += 1
            if _SUBQUERY.match(sparql, i):
                subqueries.append(depth)
        elif char == "}":
            if before and before[-1] == depth:
                before.pop()
                out.insert(len(out) - 1, "} ")
            if after and after[-1] == depth:
                after.pop()
                out.append(" }")
            if subqueries and subqueries[-1] == depth:
                subqueries.pop()
                rest = sparql[i + 1 :].lstrip()
                if rest and rest[0] not in "{}" and depth - 1 not in before and depth > 1:
                    out.append(" LATERAL {")
                    before.append(depth - 1)
            depth -= 1
            if depth < 0:
                return sparql
        i += 1
    return sparql if depth or after or before else "".join(out)


def json_term(term: dict[str, Any] | None) -> Any:
    """A SPARQL JSON results term as the same Python value the embedded store gives."""
    if term is None:
        return None
    kind, value = term.get("type"), str(term.get("value"))
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


# ----------------------------------------------------------------------------- pages


def _groups(sparql: str) -> list[tuple[int, int]] | None:
    """(opening, closing) index of every ``{ ... }`` group, outermost first; None when the braces do
    not balance (strings, IRIs and comments are skipped)."""
    out: list[tuple[int, int]] = []
    stack: list[int] = []
    i = 0
    while i < len(sparql):
        j = _skip(sparql, i)
        if j != i:
            i = j
            continue
        if sparql[i] == "{":
            stack.append(i)
        elif sparql[i] == "}":
            if not stack:
                return None
            out.append((stack.pop(), i))
        i += 1
    return None if stack else sorted(out)


_ORDER_BY = re.compile(r"\bORDER\s+BY\b", re.IGNORECASE)


def _page_subquery(sparql: str, groups: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The page of a paged query: its first subquery with an ORDER BY of its own, as the (opening,
    closing) index of the subquery's braces."""
    for start, end in groups:
        if not _SUBQUERY.match(sparql, start):
            continue
        inner = [(a, b) for a, b in groups if start < a and b < end]
        where_end = max((b for a, b in inner if not any(c < a and b < d for c, d in inner)), default=start)
        if _ORDER_BY.search(sparql, where_end, end):
            return start, end
    return None


def paged(sparql: str, limit: int | None, offset: int = 0) -> str:
    """The query with ``LIMIT``/``OFFSET``: on its page subquery when it has one (the first subquery
    with an ORDER BY of its own: the rows are ordered and cut there, and the outer group fetches
    the details of that page only), else at the end of the query. ``limit=None`` and ``offset=0``
    return the text unchanged (comment lines dropped).

    >>> paged("SELECT ?x WHERE { ?x a ?t } ORDER BY ?x", 10, 20)
    'SELECT ?x WHERE { ?x a ?t } ORDER BY ?x\\nLIMIT 10 OFFSET 20'
    >>> paged("SELECT ?x ?l WHERE { { SELECT ?x WHERE { ?x a ?t } ORDER BY ?x } ?x ?p ?l } ORDER BY ?x", 5)
    'SELECT ?x ?l WHERE { { SELECT ?x WHERE { ?x a ?t } ORDER BY ?x LIMIT 5 } ?x ?p ?l } ORDER BY ?x'
    """
    text = _strip_comments(sparql).rstrip()
    if limit is None and not offset:
        return text
    if limit is not None and limit < 0 or offset < 0:
        raise QueryError("limit and offset must not be negative")
    modifier = (f"LIMIT {int(limit)}" if limit is not None else "") + (f" OFFSET {int(offset)}" if offset else "")
    groups = _groups(text)
    page = _page_subquery(text, groups) if groups else None
    if page is None:
        return text + "\n" + modifier.strip()
    close = page[1]
    return text[:close].rstrip() + " " + modifier.strip() + " " + text[close:]


def count_query(sparql: str) -> str:
    """A query counting the rows of ``sparql`` (``?total``): the rows of its page subquery when it
    has one (the outer group adds details to each row, one row each), else of the whole query,
    ORDER BY dropped either way.

    >>> count_query("PREFIX a: <x:> SELECT ?x WHERE { ?x a ?t } ORDER BY ?x")
    'PREFIX a: <x:> SELECT (COUNT(*) AS ?total) WHERE { { SELECT ?x WHERE { ?x a ?t }  } }'
    """
    text = _strip_comments(sparql).rstrip()
    groups = _groups(text)
    if not groups:
        raise QueryError("cannot count the rows of a query whose braces do not balance")
    page = _page_subquery(text, groups)
    select = re.search(r"\bSELECT\b", text, re.IGNORECASE)
    if select is None:
        raise QueryError("only SELECT queries have rows to count")
    prologue = text[: select.start()]
    body = text[page[0] + 1 : page[1]] if page is not None else text[select.start() :]
    inner = _groups(body) or []
    where_end = max((b for a, b in inner if not any(c < a and b < d for c, d in inner)), default=0)
    modifiers = _ORDER_BY.split(body[where_end + 1 :], maxsplit=1)[0]
    return f"{prologue}SELECT (COUNT(*) AS ?total) WHERE {{ {{ {body[: where_end + 1]}{modifiers} }} }}"


_HEAD = re.compile(
    r"^(?P<prologue>.*?)\bSELECT\s+(?P<distinct>DISTINCT\s+)?(?P<vars>(?:\?\w+\s+)+)WHERE\s*$", re.S | re.I
)
_ORDER_KEY = re.compile(r"\s*(?:(?P<dir>ASC|DESC)\s*\(\s*\?(?P<v1>\w+)\s*\)|\?(?P<v2>\w+))", re.I)
_SLICE = re.compile(r"\s*(?P<kw>LIMIT|OFFSET)\s+(?P<n>\d+)", re.I)


@dataclass(frozen=True)
class UnionSplit:
    """A query whose WHERE group is only a UNION of groups, as one query per group (the same
    prologue and projection): the bag union of their answers is the query's answer before its
    DISTINCT, ORDER BY and LIMIT/OFFSET, which the caller applies (see :func:`union_branches`)."""

    branches: tuple[str, ...]
    variables: tuple[str, ...]
    hidden: tuple[str, ...]  # ordered by but not projected: each branch gives them, the merge drops them
    distinct: bool
    order: tuple[tuple[str, bool], ...]  # (variable, descending)
    limit: int | None
    offset: int


def union_branches(sparql: str) -> UnionSplit | None:
    """The branches of a query of the form ``SELECT [DISTINCT] ?a ?b WHERE { { P1 } UNION { P2 } ... }``
    followed by nothing but ``ORDER BY`` over plain variables (projected or not), ``LIMIT`` and ``OFFSET``; None for
    any other query (aggregates, expressions in the projection, a VALUES block or a pattern beside
    the UNION, GROUP BY ...). The integrity checks are written in this form so that their branches,
    each a whole-graph anti-join, can run at the same time (:func:`msc_graph.sparql.embedded.run_select`).

    >>> split = union_branches("SELECT DISTINCT ?x WHERE { { ?x a ?t } UNION { ?x ?p 1 } } ORDER BY DESC(?x) LIMIT 5")
    >>> split.branches
    ('SELECT DISTINCT ?x WHERE { ?x a ?t }', 'SELECT DISTINCT ?x WHERE { ?x ?p 1 }')
    >>> split.order, split.limit, split.offset
    ((('x', True),), 5, 0)
    >>> union_branches("SELECT ?x WHERE { { ?x a ?t } UNION { ?x ?p 1 } ?x ?q ?y }") is None
    True
    """
    text = _strip_comments(sparql).strip()
    groups = _groups(text)
    if not groups:
        return None
    where_open, where_close = groups[0]
    head = _HEAD.match(text[:where_open])
    if head is None:
        return None
    tops: list[tuple[int, int]] = []
    for start, end in groups[1:]:
        if end < where_close and (not tops or start > tops[-1][1]):
            tops.append((start, end))
    edges = [where_open] + [i for group in tops for i in group] + [where_close]
    between = [text[edges[k] + 1 : edges[k + 1]].strip().upper() for k in range(0, len(edges), 2)]
    if len(tops) < 2 or between[0] or between[-1] or any(g != "UNION" for g in between[1:-1]):
        return None
    tail = text[where_close + 1 :]
    order: list[tuple[str, bool]] = []
    match = _ORDER_BY.match(tail.lstrip())
    if match:
        tail = tail.lstrip()[match.end() :]
        while key := _ORDER_KEY.match(tail):
            order.append((key.group("v1") or key.group("v2"), (key.group("dir") or "").upper() == "DESC"))
            tail = tail[key.end() :]
        if not order:
            return None
    slices: dict[str, int] = {}
    while piece := _SLICE.match(tail):
        slices[piece.group("kw").upper()] = int(piece.group("n"))
        tail = tail[piece.end() :]
    if tail.strip():
        return None
    variables = tuple(v[1:] for v in head.group("vars").split())
    hidden = tuple(dict.fromkeys(v for v, _ in order if v not in variables))
    if hidden and head.group("distinct"):
        return None  # DISTINCT over the projection alone cannot be taken after the merge
    distinct = "DISTINCT " if head.group("distinct") else ""
    select = f"{head.group('prologue')}SELECT {distinct}{' '.join('?' + v for v in variables + hidden)} WHERE "
    return UnionSplit(
        branches=tuple(select + text[a : b + 1] for a, b in tops),
        variables=variables,
        hidden=hidden,
        distinct=bool(distinct),
        order=tuple(order),
        limit=slices.get("LIMIT"),
        offset=slices.get("OFFSET", 0),
    )
