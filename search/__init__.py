"""Storing and querying mentions, behind one small interface (``search.base.IndexBackend``)."""
