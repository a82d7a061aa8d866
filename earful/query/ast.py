"""Query syntax tree. Nodes are immutable values so they can be compared in tests.

Field restrictions are pushed down onto the leaves by the parser: ``title:(a OR b)``
becomes ``Or(Term("a", field="title"), Term("b", field="title"))``. A leaf whose
``field`` is None searches the default fields (title and text).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Union


@dataclass(frozen=True)
class Term:
    """One word; ``prefix`` for a trailing wildcard (``refund*``). ``text`` is as typed."""

    text: str
    field: str | None = None
    prefix: bool = False


@dataclass(frozen=True)
class Phrase:
    """Words in order; with ``slop`` N they may be up to N positions apart, in any order."""

    words: tuple[str, ...]
    field: str | None = None
    slop: int = 0


@dataclass(frozen=True)
class Near:
    """``left NEAR/N right``: both present within N words of each other, in any order."""

    left: Term | Phrase
    right: Term | Phrase
    distance: int


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    child: Node


Node = Union[Term, Phrase, Near, And, Or, Not]


TEXT_FIELDS = (None, "title", "text")


def text_leaves(node: Node) -> Iterator[Term | Phrase]:
    """The words and phrases a rule looks for in the title or text, except under NOT (what a
    brand is not)."""
    if isinstance(node, (Term, Phrase)):
        if node.field in TEXT_FIELDS:
            yield node
    elif isinstance(node, Near):
        yield from text_leaves(node.left)
        yield from text_leaves(node.right)
    elif isinstance(node, (And, Or)):
        for child in node.children:
            yield from text_leaves(child)
