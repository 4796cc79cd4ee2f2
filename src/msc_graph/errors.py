"""One exception tree for msc-graph.

::

    MscGraphError                  every error msc-graph raises on purpose
    ├── InputError                 bad user input (exit code 2)
    │   ├── CurationError          a claim, skip or document record is wrong (file:line)
    │   ├── UnknownTermError       a term, predicate, query or document name is not known
    │   ├── AnchorError            offsets out of range, or the span hash does not match
    │   └── QueryError             a SPARQL text is invalid, or is an update
    ├── CheckFailed                `msc-graph check` found problems (exit code 1)
    └── EnvironmentProblem         a required program or file is missing (exit code 2)

    SourceDrift (a UserWarning)    a source document no longer matches what was curated: its quotes
                                   are withheld

Every message names the bad value and, where one exists, the way out.
"""

from __future__ import annotations


class MscGraphError(Exception):
    """Base class of all msc-graph errors."""

    exit_code = 2


class InputError(MscGraphError):
    """Bad input from the user: a file, an option or an argument."""


class CurationError(InputError):
    """A curated record is malformed or inconsistent.

    ``where`` is ``file:line`` (or ``file``) and ``claim`` the claim id when known.
    """

    def __init__(self, message: str, *, where: str | None = None, claim: str | None = None):
        self.where = where
        self.claim = claim
        prefix = ""
        if where:
            prefix += f"{where}: "
        if claim:
            prefix += f"claim {claim}: "
        super().__init__(prefix + message)


class UnknownTermError(InputError):
    """A name (term, predicate, query, document) that msc-graph does not know."""

    def __init__(self, kind: str, name: str, suggestions: list[str] | None = None):
        self.kind = kind
        self.name = name
        self.suggestions = suggestions or []
        message = f"unknown {kind} {name!r}"
        if self.suggestions:
            message += "; did you mean " + " or ".join(self.suggestions) + "?"
        super().__init__(message)


class AnchorError(InputError):
    """A text anchor that does not fit its document."""


class QueryError(InputError):
    """A SPARQL query that cannot be run (syntax error, update, missing parameter)."""


class CheckFailed(MscGraphError):
    """Validation found problems; ``problems`` lists them, one line each."""

    exit_code = 1

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) found")


class EnvironmentProblem(MscGraphError):
    """A program or resource that msc-graph needs is not available."""


class SourceDrift(UserWarning):
    """A source document changed since curation (its SHA-256, or an anchored span's, differs from the
    graph's): its quotes are not shown. Issued once per document and graph."""
