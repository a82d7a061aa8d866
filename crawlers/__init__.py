"""Collectors: turn configured sources (feeds, Reddit, review sites, web pages) into RawMentions.

One package per source type (``feeds``, ``reddit``, ``reviews``, ``web``), each registered in
``earful.sources``. ``collector_for(source.type).collect(source, state)`` is the one entry point;
fetch failures raise ``SourceError``, bad content is skipped and counted in the ``CollectResult``.
"""
