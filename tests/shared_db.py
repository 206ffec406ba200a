"""What the test processes of one run build once and share: the migrated database, the demo rows.

Migrating takes about 30 s (Django renders its model state over some 250 migrations), and every
pytest-xdist worker used to do it for itself. Now the first worker that needs a database migrates
a template while holding a lock, and each worker copies it: SQLite's backup API into the worker's
in-memory database, PostgreSQL's CREATE DATABASE ... TEMPLATE. The demo site's rows (seeded in
10-20 s) are kept the same way, in a file the other workers read.

What is shared belongs to one run (xdist's run id, which every worker is given): the controller
process removes it when the run ends. A run without workers, or with --reuse-db (which keeps each
worker's own database between runs), builds everything itself as before.
"""

import contextlib
import fcntl
import pickle
import shutil
import sqlite3
import uuid

from django.conf import settings


def start_run(config):
    """In the controller of a distributed run: fix the run id before the workers are started, so
    that it is known here too when the run ends."""
    if _is_controller(config) and not config.getoption("testrunuid", None):
        config.option.testrunuid = uuid.uuid4().hex


def end_run(config):
    """In the controller, once the workers are done: remove what they shared."""
    if not _is_controller(config) or not config.getoption("testrunuid", None):
        return
    folder = _folder(config.option.testrunuid)
    if (folder / TEMPLATE_MARK).exists():
        from django.db import connection
        from pytest_django.plugin import blocking_manager_key

        name = connection.ops.quote_name((folder / TEMPLATE_MARK).read_text())
        with (
            config.stash[blocking_manager_key].unblock(),
            connection.creation._nodb_cursor() as cursor,
        ):
            cursor.execute(f"DROP DATABASE IF EXISTS {name}")
    shutil.rmtree(folder, ignore_errors=True)


def _is_controller(config):
    return not hasattr(config, "workerinput") and bool(config.getoption("numprocesses", None))


def shared_folder(config):
    """The folder this run's processes share, or None when nothing is shared."""
    workerinput = getattr(config, "workerinput", None)
    if workerinput is None or config.getoption("reuse_db", False):
        return None
    return _folder(workerinput["testrunuid"])


def _folder(run):
    folder = settings.VAR_DIR / f"test-run-{run}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@contextlib.contextmanager
def _locked(path):
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def once(config, name, build):
    """build()'s value, built by the first process of the run that asks and read back by the
    others (it must pickle)."""
    folder = shared_folder(config)
    if folder is None:
        return build()
    path = folder / f"{name}.pickle"
    with _locked(folder / f"{name}.lock"):
        if not path.exists():
            value = build()
            partial = path.with_suffix(".partial")
            partial.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
            partial.rename(path)
            return value
    return pickle.loads(path.read_bytes())  # noqa: S301 (written by this run, just above)


TEMPLATE_MARK = "template-database"  # holds the PostgreSQL template's name once it exists


def copy_template_into_test_databases(config):
    """Make the default connection's create_test_db copy the run's migrated template (building
    it first if no process has) instead of migrating. Called before the test database is set up
    (tests/conftest.py, django_db_modify_db_settings)."""
    from django.db import connection

    folder = shared_folder(config)
    if folder is None or connection.vendor not in ("sqlite", "postgresql"):
        return
    creation = connection.creation
    migrate = creation.create_test_db
    database_name = connection.settings_dict["NAME"]

    def build_template(name):
        test = connection.settings_dict["TEST"]
        saved = test.get("NAME")
        test["NAME"] = name
        try:
            migrate(verbosity=0, autoclobber=True, serialize=False, keepdb=False)
        finally:
            test["NAME"] = saved
            connection.close()

    def create_test_db(verbosity=1, autoclobber=False, serialize=True, keepdb=False):
        if keepdb:
            return migrate(verbosity, autoclobber, serialize, keepdb)
        with _locked(folder / "template.lock"):
            if connection.vendor == "sqlite":
                template = folder / "template.sqlite3"
                if not template.exists():
                    building = folder / "template.partial"
                    building.unlink(missing_ok=True)
                    build_template(str(building))
                    building.rename(template)
                name = _sqlite_copy(connection, template)
            else:
                mark = folder / TEMPLATE_MARK
                if not mark.exists():
                    template = f"test_{database_name}_template_{folder.name[-8:]}"
                    build_template(template)
                    mark.write_text(template)
                name = _postgresql_copy(connection, mark.read_text())
        if serialize:
            connection._test_serialized_contents = creation.serialize_db_to_string()
        return name

    creation.create_test_db = create_test_db


def _use(connection, name):
    """Point the connection (and the settings, as create_test_db does) at the test database."""
    connection.close()
    settings.DATABASES[connection.alias]["NAME"] = name
    connection.settings_dict["NAME"] = name
    connection.ensure_connection()


def _sqlite_copy(connection, template):
    # The in-memory database pytest-django would have made; it lives as long as the connection.
    name = connection.creation._create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    _use(connection, name)
    source = sqlite3.connect(template)
    try:
        source.backup(connection.connection)
    finally:
        source.close()
    return name


def _postgresql_copy(connection, template):
    name = connection.creation._get_test_db_name()
    quote = connection.ops.quote_name
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quote(name)}")
        cursor.execute(f"CREATE DATABASE {quote(name)} WITH TEMPLATE {quote(template)}")
    _use(connection, name)
    return name
