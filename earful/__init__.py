"""Earful: social listening and review monitoring you run yourself. This package is the foundation
(models, config and the source-type registry, settings, query language, rules, text, state, errors);
it imports nothing from the packages above it."""

__version__ = "0.1.0"
