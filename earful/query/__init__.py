"""Lucene-style query language shared by brand rules and search: parse once, use everywhere."""

from earful.query.ast import And, Near, Node, Not, Or, Phrase, Term
from earful.query.parser import parse

__all__ = ["And", "Near", "Node", "Not", "Or", "Phrase", "Term", "parse"]
