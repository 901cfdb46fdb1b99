"""Django's SQLite backend, with the writers of every worker taking turns on a file lock.

SQLite lets one writer in at a time, and a writer that finds the database locked sleeps 1,
2, 5, 10, 15… ms between tries (its busy handler): under many concurrent writes the database
stands idle while they sleep, and the unlucky ones wait 100 ms and more. So a transaction
first takes an exclusive lock on a file beside the database, and the kernel wakes the next
writer the moment the last one ends. Writes outside a transaction, and other programs, still
meet at SQLite's own lock, which the file lock only comes before.
"""

import fcntl
import os

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    _writers_lock = None  # the lock file, open for the connection's life
    _holds_writers_lock = False

    def _start_transaction_under_autocommit(self):
        # Only transactions that take SQLite's write lock at once wait their turn here.
        if self.transaction_mode in ("IMMEDIATE", "EXCLUSIVE") and not self.is_in_memory_db():
            self._take_writers_lock()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_writers_lock()
            raise

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._release_writers_lock()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._release_writers_lock()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._release_writers_lock()
            if self._writers_lock is not None:
                self._writers_lock.close()
                self._writers_lock = None

    def _take_writers_lock(self) -> None:
        if self._writers_lock is None:
            path = f"{os.fspath(self.settings_dict['NAME'])}-writers.lock"
            self._writers_lock = open(path, "a")  # noqa: SIM115 (kept open with the connection)
        fcntl.flock(self._writers_lock, fcntl.LOCK_EX)
        self._holds_writers_lock = True

    def _release_writers_lock(self) -> None:
        if self._holds_writers_lock:
            self._holds_writers_lock = False
            fcntl.flock(self._writers_lock, fcntl.LOCK_UN)
