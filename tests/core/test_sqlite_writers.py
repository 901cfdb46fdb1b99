"""SQLite's writers take turns on a file lock (core.sqlite), here on databases of their own."""

import contextlib
import fcntl
import threading

import pytest
from django.db.utils import ConnectionHandler


@pytest.fixture
def databases(tmp_path, django_db_blocker):
    """A connection handler for a database file through core.sqlite, and one in memory."""
    options = {"transaction_mode": "IMMEDIATE", "timeout": 25}
    handler = ConnectionHandler(
        {
            "default": {"ENGINE": "core.sqlite", "NAME": tmp_path / "site.db", "OPTIONS": options},
            "memory": {"ENGINE": "core.sqlite", "NAME": ":memory:", "OPTIONS": options},
        }
    )
    with django_db_blocker.unblock():
        yield handler
        handler.close_all()


@contextlib.contextmanager
def transaction_on(connection):
    """What transaction.atomic() does to a connection, for one outside django.db.connections."""
    connection.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    try:
        yield connection.cursor()
    except BaseException:
        connection.rollback()
        raise
    else:
        connection.commit()
    finally:
        connection.set_autocommit(True)


def lock_is_free(path) -> bool:
    with open(path, "a") as other:
        try:
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(other, fcntl.LOCK_UN)
        return True


def test_a_transaction_holds_the_writers_lock_until_it_commits_or_rolls_back(databases, tmp_path):
    connection = databases["default"]
    lock = tmp_path / "site.db-writers.lock"
    with transaction_on(connection) as cursor:
        cursor.execute("CREATE TABLE counter (n integer)")
        assert not lock_is_free(lock)
    assert lock_is_free(lock)
    with pytest.raises(RuntimeError), transaction_on(connection) as cursor:
        cursor.execute("INSERT INTO counter VALUES (1)")
        assert not lock_is_free(lock)
        raise RuntimeError("the view failed")
    assert lock_is_free(lock)
    connection.cursor().execute("SELECT count(*) FROM counter")  # reads take no turn
    assert lock_is_free(lock)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM counter")
        assert cursor.fetchone() == (0,)  # the rolled-back insert is gone


def test_writers_on_many_threads_all_get_their_turn_and_lose_nothing(databases):
    with transaction_on(databases["default"]) as cursor:
        cursor.execute("CREATE TABLE counter (n integer)")
        cursor.execute("INSERT INTO counter VALUES (0)")
    errors = []

    def write(times: int) -> None:
        connection = databases["default"]  # each thread has its own
        try:
            for _ in range(times):
                with transaction_on(connection) as cursor:
                    cursor.execute("SELECT n FROM counter")
                    (n,) = cursor.fetchone()
                    cursor.execute("UPDATE counter SET n = %s", [n + 1])  # lost if not alone
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(40,)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    with databases["default"].cursor() as cursor:
        cursor.execute("SELECT n FROM counter")
        assert cursor.fetchone() == (8 * 40,)


def test_a_database_in_memory_has_no_lock_file(databases, tmp_path):
    with transaction_on(databases["memory"]) as cursor:
        cursor.execute("CREATE TABLE counter (n integer)")
    assert list(tmp_path.iterdir()) == []
