"""Collectors: turn configured sources (feeds now; Reddit, review sites later) into RawMentions.

``collector_for(source.type).collect(source, state)`` is the one entry point; fetch failures
raise ``SourceError``, bad content is skipped and counted in the ``CollectResult``.
"""
