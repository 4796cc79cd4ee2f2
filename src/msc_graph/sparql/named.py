"""The SPARQL query library: ``queries/*.rq``, one competency question per file.

Each file starts with a header the CLI shows as help::

    # title:    Factors acting on a target cell
    # question: Which secreted factors are claimed to act on ?target, how, and who claims it?
    # params:   ?target (term)
    # returns:  ?factor ?effect ?document ?party ?modality

Parameter types: ``term`` (CURIE, label or synonym), ``relation`` (claim relation key),
``document`` (id, file name or number), ``speaker`` (speaker kind key), ``modality``,
``category`` (category name), ``statement`` (statement id), ``text`` and ``number``. Values are bound by a VALUES block
at the start of the outer WHERE group (``sparql.text.bind_with_values``: each value serialised as a
checked RDF term), never pasted into the text, for the embedded store and remote endpoints
alike. So each parameter variable must occur in a required (non-OPTIONAL) pattern of the outer
group, and the files keep it in the SELECT projection too.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import EnvironmentProblem, QueryError, UnknownTermError
from ..namespaces import BASE, PREFIXES
from ..project import queries_dir

_HEADER = re.compile(r"^#\s*(title|question|params|returns):\s*(.*)$")
_PARAM = re.compile(r"\?(\w+)\s*\(([^)]*)\)")
PARAM_TYPES = ("term", "relation", "document", "speaker", "modality", "category", "statement", "text", "number")


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    description: str


@dataclass(frozen=True)
class NamedQuery:
    name: str
    path: Path
    title: str
    question: str
    params: tuple[Parameter, ...]
    returns: str
    text: str = field(repr=False)

    @property
    def is_violation_check(self) -> bool:
        return self.name.endswith("-violation")


def parse_query_file(path: Path) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    header: dict[str, str] = {}
    for line in text.splitlines():
        match = _HEADER.match(line.strip())
        if match:
            key, value = match.groups()
            header[key] = (header.get(key, "") + " " + value).strip()
        elif line.strip().startswith("#") and header:
            continue
        elif line.strip():
            break
    missing = [k for k in ("title", "question", "returns") if not header.get(k)]
    if missing:
        raise QueryError(f"{path}: the header lacks {', '.join(missing)}")
    params = []
    for name, spec in _PARAM.findall(header.get("params", "")):
        kind = spec.split(":")[0].strip().split()[0] if spec.strip() else "text"
        if kind not in PARAM_TYPES:
            raise QueryError(
                f"{path}: parameter ?{name} has unknown type {kind!r}; use one of {', '.join(PARAM_TYPES)}"
            )
        params.append(Parameter(name, kind, spec.strip()))
    return NamedQuery(path.stem, path, header["title"], header["question"], tuple(params), header["returns"], text)


def load_queries(directory: Path | None = None) -> dict[str, NamedQuery]:
    """The named queries of a folder (default: the project's ``queries/``), by name."""
    folder = directory or queries_dir()
    if not folder.is_dir() or not any(folder.glob("*.rq")):
        raise EnvironmentProblem(f"no named queries in {folder}; set MSC_GRAPH_ROOT to a project folder")
    return {q.name: q for q in (parse_query_file(p) for p in sorted(folder.glob("*.rq")))}


def get_query(name: str, directory: Path | None = None) -> NamedQuery:
    queries = load_queries(directory)
    key = name[:-3] if name.endswith(".rq") else name
    if key not in queries:
        close = difflib.get_close_matches(key, sorted(queries), n=3, cutoff=0.4)
        raise UnknownTermError("query", name, [repr(c) for c in close] or None)
    return queries[key]


def bind_value(param: Parameter, value: Any, kg) -> Any:
    """Turn a user value into an RDF term for a typed parameter (pyoxigraph term)."""
    import pyoxigraph as ox

    if param.type == "term":
        return ox.NamedNode(kg.ontology.resolve(str(value)).iri)
    if param.type == "relation":
        return ox.NamedNode(kg.ontology.predicate(str(value)).iri)
    if param.type == "document":
        return ox.NamedNode(PREFIXES["document"] + kg.document_id(str(value)))
    if param.type == "speaker":
        return ox.NamedNode(kg.ontology.value("SpeakerKind", str(value)))
    if param.type == "modality":
        return ox.NamedNode(kg.ontology.value("Modality", str(value)))
    if param.type == "category":
        if str(value) not in kg.ontology.categories:
            close = difflib.get_close_matches(str(value), sorted(kg.ontology.categories), n=3)
            raise UnknownTermError("category", str(value), [repr(c) for c in close] or None)
        return ox.NamedNode(BASE + str(value))
    if param.type == "statement":
        text = str(value).rsplit("/", 1)[-1]
        if not re.fullmatch(r"s[0-9a-f]{16}", text):
            raise QueryError(f"parameter ?{param.name} takes a statement id such as s0bbf9a748f72d1d1, got {value!r}")
        return ox.NamedNode(PREFIXES["statement"] + text)
    if param.type == "number":
        try:
            return ox.Literal(str(int(value)), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
        except ValueError as err:
            raise QueryError(f"parameter ?{param.name} must be a whole number, got {value!r}") from err
    return ox.Literal(str(value))


def bind_params(query: NamedQuery, params: dict[str, Any], kg) -> dict[str, Any]:
    known = {p.name: p for p in query.params}
    bound = {}
    for name, value in params.items():
        if name not in known:
            close = difflib.get_close_matches(name, sorted(known), n=1)
            hint = (
                f"; did you mean {close[0]!r}?"
                if close
                else (f"; it takes {', '.join('?' + k for k in known)}" if known else "; it takes no parameters")
            )
            raise QueryError(f"query {query.name!r} has no parameter {name!r}{hint}")
        if value is None:
            continue
        bound[name] = bind_value(known[name], value, kg)
    return bound
