"""Start-up checks for the production processes: the database and the shared cache answer.

A process that cannot reach either refuses to start with one line saying which and where
(deploy/gunicorn.conf.py, `manage.py preflight` before the worker), instead of starting and then
failing every request or task with a traceback. Passwords never appear in the line."""

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, connection

from portal.cache import ResilientRedisCache


def problems():
    """A line for each of the database and the cache that does not answer; empty when both do."""
    found = []
    try:
        connection.ensure_connection()
    except DatabaseError as error:
        found.append(f"Cannot reach the database at {_database_place()}: {_first_line(error)}")
    else:
        found += _cache_problems()
    return found


def _cache_problems():
    try:
        cache = caches["default"]
        if isinstance(cache, ResilientRedisCache):  # it hides outages; ask Redis itself
            cache._cache.get_client(write=True).ping()
        else:
            cache.get("preflight")
    except DatabaseError as error:
        missing = "The cache table is missing (run manage.py createcachetable)"
        return [f"{missing}: {_first_line(error)}"]
    except Exception as error:  # whatever the client library raises, it means "not there"
        where = settings.CACHES["default"].get("LOCATION", "")
        place = where.rsplit("@", 1)[-1]  # no password
        return [f"Cannot reach the shared cache at {place}: {_first_line(error)}"]
    return []


def _database_place():
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        return str(database["NAME"])
    return f"{database.get('HOST') or 'localhost'}:{database.get('PORT') or ''}/{database['NAME']}"


def _first_line(error):
    return (str(error).strip().splitlines() or [type(error).__name__])[0]
