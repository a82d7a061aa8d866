"""Crawl and service state behind one small interface; SQLite (embedded) or Redis (distributed)."""

from earful.state.base import StateStore, decode_state, encode_state
from earful.state.factory import open_state
from earful.state.sqlite import SQLiteStateStore

__all__ = ["SQLiteStateStore", "StateStore", "decode_state", "encode_state", "open_state"]
