"""Storage: SQLite through aiosqlite, one small typed repository per aggregate."""

from storage.db import Database
from storage.scope import Scope
from storage.tx import Tx

__all__ = ["Database", "Scope", "Tx"]
