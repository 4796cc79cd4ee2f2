r"""The line-aware YAML loader of the curation files: every mapping remembers its line and the
line of each key, so that every problem names ``file:line``.

>>> data = load_text("a: 1\nb:\n  c: 2\n")
>>> data.line, data.key_lines["b"], data["b"].line
(1, 2, 3)
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import CurationError
from ..model import bad_character, describe_character, utf8_error

#: the largest curation file read (bytes): the biggest real claim file is about 600 KB
MAX_FILE_BYTES = 8 * 1024 * 1024
#: the most nodes the YAML of one file may expand to once aliases are followed (an alias bomb of
#: nine levels of nine aliases expands to 387 million; the biggest real claim file has about 40,000)
MAX_NODES = 1_000_000


class LineDict(dict):
    """A mapping that remembers the line of itself and of each key."""

    line: int = 0
    key_lines: dict[str, int]


class _TooBig(Exception):
    """The YAML's aliases expand past :data:`MAX_NODES` (``mark``: where)."""

    def __init__(self, mark: Any):
        super().__init__("too many nodes")
        self.mark = mark


def _construct_mapping(loader: Any, node: Any, deep: bool = False) -> LineDict:
    import yaml

    loader.flatten_mapping(node)
    out = LineDict()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in out:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[str(key)] = key_node.start_mark.line + 1
    return out


def _check_expansion(root: Any) -> None:
    """Refuse a document whose nodes, with every alias followed, exceed :data:`MAX_NODES`."""
    import yaml

    sizes: dict[int, int] = {}

    def size(node: Any, depth: int = 0) -> int:
        known = sizes.get(id(node))
        if known is not None:
            return known
        if depth > 200:  # deeper than any curation file; also bounds the recursion
            raise yaml.constructor.ConstructorError(None, None, "nesting deeper than 200 levels", node.start_mark)
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(child, depth + 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(k, depth + 1) + size(v, depth + 1) for k, v in node.value)
        if total > MAX_NODES:
            raise _TooBig(node.start_mark)
        sizes[id(node)] = total
        return total

    size(root)


@cache
def _loader() -> Any:
    """A SafeLoader whose mappings are :class:`LineDict` and whose aliases are bounded: an alias bomb
    is refused before it is expanded (PyYAML is imported on first use)."""
    import yaml

    class Loader(yaml.SafeLoader):
        def compose_document(self) -> Any:
            node = super().compose_document()
            if node is not None:
                _check_expansion(node)
            return node

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    return Loader


def load_text(text: str) -> Any:
    """Parse YAML text with line numbers (mappings are :class:`LineDict`)."""
    import yaml

    return yaml.load(text, Loader=_loader())  # noqa: S506 - SafeLoader subclass


def read_yaml(path: Path) -> Any:
    """Parse a YAML file from a person or a program that may be careless or hostile.

    Every problem is one :class:`CurationError` naming the file and line: unreadable files,
    files over :data:`MAX_FILE_BYTES`, bytes that are not UTF-8, characters YAML refuses (raw
    control characters), syntax errors, aliases expanding past :data:`MAX_NODES`, and text that
    no RDF serialisation can hold (lone surrogates such as ``"\\ud800"``, escaped control characters).
    """
    import yaml

    where = display_path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise CurationError(
                f"the file is {size / 1e6:.1f} MB, over the {MAX_FILE_BYTES // 2**20} MB limit for a curation file; "
                "split it (<document>.<part>.yaml)",
                where=where,
            )
        raw = path.read_bytes()
    except OSError as err:
        raise CurationError(f"cannot read: {err.strerror}", where=where) from err
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        at = raw[: err.start].count(b"\n") + 1
        raise CurationError(utf8_error(raw, err), where=f"{where}:{at}") from err
    try:
        data = load_text(text)
    except yaml.reader.ReaderError as err:  # a character YAML does not allow in a file
        at = text[: err.position].count("\n") + 1
        raise CurationError(
            f"{describe_character(chr(err.character))} is not allowed in a YAML file; delete it "
            "(or write it as an escape inside double quotes if it is meant)",
            where=f"{where}:{at}",
        ) from err
    except _TooBig as err:
        raise CurationError(
            f"the YAML aliases here expand to more than {MAX_NODES:,} nodes (an alias bomb?); "
            "write the values out instead of nesting aliases",
            where=f"{where}:{err.mark.line + 1}",
        ) from err
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = f":{mark.line + 1}" if mark else ""
        problem = err.problem or err.context or "malformed YAML"
        raise CurationError(f"malformed YAML: {problem}; fix the syntax at that line", where=f"{where}{line}") from err
    except (yaml.YAMLError, RecursionError) as err:
        raise CurationError(f"malformed YAML: {err}", where=where) from err
    _check_text(data, path)
    return data


def _check_text(data: Any, path: Path, node: Any = None, key: Any = None) -> None:
    """Refuse a string that RDF cannot hold (see :func:`msc_graph.model.bad_character`), naming its line."""
    if isinstance(data, str):
        bad = bad_character(data)
        if bad is not None:
            field = f"{key}: " if key is not None else ""
            raise CurationError(
                f"{field}{describe_character(bad)} cannot be stored in the graph (RDF/XML and N-Triples refuse it); "
                "delete it or replace the escape",
                where=location(path, node, None if key is None else str(key)),
            )
    elif isinstance(data, dict):
        for k, v in data.items():
            _check_text(k, path, data, k)
            _check_text(v, path, data, k)
    elif isinstance(data, list):
        for item in data:
            _check_text(item, path, item if isinstance(item, dict) else node, key)


def display_path(path: Path) -> str:
    """A path as the user would type it: relative to the working directory when inside it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if rel.startswith("..") else rel


def location(path: Path, node: Any, key: str | None = None) -> str:
    """``file:line`` of a node (of one of its keys), or the file alone."""
    if isinstance(node, LineDict):
        line = node.key_lines.get(key, node.line) if key else node.line
        return f"{display_path(path)}:{line}"
    return display_path(path)
