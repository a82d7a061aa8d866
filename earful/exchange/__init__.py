"""Mentions out and in: NDJSON and CSV writers and readers, and column mappings for other tools' CSV."""
