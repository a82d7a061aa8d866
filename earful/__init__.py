"""Earful: social listening and review monitoring you run yourself."""

__version__ = "0.1.0"
