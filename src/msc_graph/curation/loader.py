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


class LineDict(dict):
    """A mapping that remembers the line of itself and of each key."""

    line: int = 0
    key_lines: dict[str, int]


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


@cache
def _loader() -> Any:
    """A SafeLoader whose mappings are :class:`LineDict` (PyYAML is imported on first use)."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    return Loader


def load_text(text: str) -> Any:
    """Parse YAML text with line numbers (mappings are :class:`LineDict`)."""
    import yaml

    return yaml.load(text, Loader=_loader())  # noqa: S506 - SafeLoader subclass


def read_yaml(path: Path) -> Any:
    """Parse a YAML file; syntax errors become one line with file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise CurationError(f"cannot read: {err.strerror}", where=display_path(path)) from err
    try:
        return load_text(text)
    except _marked_error() as err:
        found: Any = err  # a yaml.MarkedYAMLError
        mark = found.problem_mark or found.context_mark
        line = f":{mark.line + 1}" if mark else ""
        problem = found.problem or found.context or "malformed YAML"
        raise CurationError(
            f"malformed YAML: {problem}; fix the syntax at that line", where=f"{display_path(path)}{line}"
        ) from err


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


def _marked_error() -> type[Exception]:
    import yaml

    return yaml.MarkedYAMLError
