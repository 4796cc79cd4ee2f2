"""msc-graph: how mesenchymal stem cell therapies are *claimed* to work, by whom, and on what evidence.

>>> import msc_graph
>>> sorted(msc_graph.__all__)[:3]
['Anchor', 'AnchorError', 'Assertion']
"""

from .errors import (
    AnchorError,
    CheckFailed,
    CurationError,
    InputError,
    MscGraphError,
    QueryError,
    UnknownTermError,
)
from .graph import KnowledgeGraph, load
from .model import Anchor, Assertion, Context, Document, Evidence, Statement, Term
from .project import __version__
from .results import Table

__all__ = [
    "AnchorError",
    "Anchor",
    "Assertion",
    "CheckFailed",
    "Context",
    "CurationError",
    "Document",
    "Evidence",
    "InputError",
    "KnowledgeGraph",
    "MscGraphError",
    "QueryError",
    "Statement",
    "Table",
    "Term",
    "UnknownTermError",
    "__version__",
    "load",
]
