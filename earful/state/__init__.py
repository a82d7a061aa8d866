"""Crawl and service state behind one small interface; SQLite (embedded) or Redis (distributed)."""

from earful.state.base import StateStore, decode_state, encode_state
from earful.state.factory import open_state
from earful.state.sqlite import SQLiteStateStore
from earful.state.staged import StagedState

__all__ = ["SQLiteStateStore", "StagedState", "StateStore", "decode_state", "encode_state", "open_state"]
