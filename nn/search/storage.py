"""Where a study lives: in memory, in a local file (SQLite or Optuna's journal) that survives a
crash, or in a database any number of machines share (an Optuna storage URL: PostgreSQL, MySQL).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from .deps import optuna

SQLITE_SUFFIXES = (".db", ".sqlite", ".sqlite3")
JOURNAL_SUFFIXES = (".log", ".journal")
FORMS = ("None (in memory), a file path ending in " + " / ".join(SQLITE_SUFFIXES) + " (SQLite) or "
         + " / ".join(JOURNAL_SUFFIXES) + " (Optuna's journal file), or a database URL such as "
         "'postgresql+psycopg2://user@host/db'")


def describe(storage: Any) -> str:
    """The storage as a message may show it: a URL without its password."""
    if storage is None:
        return "memory"
    if isinstance(storage, str) and "://" in storage:
        try:
            from sqlalchemy.engine import make_url

            return make_url(storage).render_as_string(hide_password=True)
        except Exception:  # not a URL SQLAlchemy can parse: show its scheme only
            return storage.split("://", 1)[0] + "://..."
    return str(storage)


def open_storage(storage: Any) -> Any:
    """Optuna's storage object for `storage` (see FORMS), or None for a study in memory."""
    if storage is None:
        return None
    op = optuna()
    if isinstance(storage, op.storages.BaseStorage):
        return storage
    if not isinstance(storage, (str, os.PathLike)):
        raise TypeError(f"nn.search: storage must be {FORMS}; got {type(storage).__name__}")
    text = os.fspath(storage)
    if "://" in text:
        return _database(op, text)
    path = Path(text).expanduser()
    if path.suffix not in SQLITE_SUFFIXES + JOURNAL_SUFFIXES:
        raise ValueError(f"nn.search: storage {text!r} is neither a known file type nor a URL; storage must be {FORMS}")
    if not path.parent.is_dir():
        raise FileNotFoundError(f"nn.search: storage {text!r}: the folder {str(path.parent)!r} does not exist")
    if path.suffix in SQLITE_SUFFIXES:
        return _database(op, f"sqlite:///{path.resolve()}")
    journal = op.storages.journal
    return journal.JournalStorage(journal.JournalFileBackend(str(path.resolve())))


def _database(op: Any, url: str) -> Any:
    try:
        return _rdb_storage(op, url)
    except ImportError as error:
        hint = " pip install 'autograd-lite[search-postgres]' (psycopg2-binary)" if "postgres" in url else ""
        raise ImportError(f"nn.search: the storage {describe(url)} needs a database driver that is not "
                          f"installed ({error}).{hint}") from error
    except Exception as error:
        from sqlalchemy.exc import ArgumentError

        kind = ValueError if isinstance(error, ArgumentError) else RuntimeError
        first_line = (str(error).splitlines() or [""])[0]
        raise kind(f"nn.search: cannot open the storage {describe(url)}: "
                   f"{type(error).__name__}: {first_line}") from error


def _rdb_storage(op: Any, url: str, attempts: int = 6) -> Any:
    """Optuna's RDBStorage; workers that open a new database at the same moment race to create
    its tables (IntegrityError, "database is locked"): the losers wait a little and open it again."""
    from sqlalchemy.exc import IntegrityError, OperationalError

    for attempt in range(attempts):
        try:
            return op.storages.RDBStorage(url)
        except (IntegrityError, OperationalError):
            if attempt == attempts - 1:
                raise
            time.sleep(0.1 * 2**attempt)
    raise AssertionError("unreachable")
