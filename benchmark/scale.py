"""The benchmark at ten times the data: a database of its own, kept between runs (the
data takes minutes to generate), measured by a second `manage.py bench --pages-only`
run pointed at it, whose figures are merged into this run's."""

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import psycopg
from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection, transaction
from psycopg import sql

from grants.models import OptionGrant, RegistrationPeriod

SUFFIX = "_x10"


def scale_database_url(name: str | None) -> str:
    """DATABASE_URL for the scale database: `name` if given, else the main database's
    name with SUFFIX (on SQLite, a file beside the main one). Built from the main URL
    when there is one, so that its host, user and options carry over."""
    params = connection.settings_dict
    if connection.vendor == "sqlite":
        main = Path(str(params["NAME"]))
        if name is None:
            if not main.parent.is_dir():  # an in-memory database, as in the tests
                raise CommandError("On an in-memory SQLite database, pass --scale-database.")
            name = str(main.with_name(f"{main.stem}{SUFFIX}{main.suffix}"))
        return f"sqlite:///{Path(name).resolve()}"
    if connection.vendor != "postgresql":
        raise CommandError(
            f"The scale run supports PostgreSQL and SQLite, not {connection.vendor}."
        )
    name = name or f"{params['NAME']}{SUFFIX}"
    main_url = os.environ.get("DATABASE_URL")
    if main_url:
        return urlunsplit(urlsplit(main_url)._replace(path=f"/{quote(name)}"))
    user = quote(params.get("USER") or "")
    password = f":{quote(params['PASSWORD'])}" if params.get("PASSWORD") else ""
    host = params.get("HOST") or "localhost"
    port = f":{params['PORT']}" if params.get("PORT") else ""
    return f"postgres://{user}{password}@{host}{port}/{quote(name)}"


def create_postgres_database(name: str) -> bool:
    """Create the database on the main database's server unless it exists; True if
    created. CREATE DATABASE cannot run in a transaction, hence a connection of its own
    to the server's maintenance database, in autocommit."""
    params = {**connection.get_connection_params(), "dbname": "postgres"}
    params.pop("cursor_factory", None)
    with psycopg.connect(**params, autocommit=True) as server:
        found = server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if found.fetchone():
            return False
        server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return True


def prepare_database(url: str) -> None:
    """The scale database exists and is migrated (a no-op when it is current)."""
    if url.startswith("postgres"):
        create_postgres_database(urlsplit(url).path.lstrip("/"))
    run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], url, lambda line: None)


def run_pages(url: str, arguments: list[str], echo: Callable[[str], None]) -> dict:
    """`manage.py bench --pages-only` on the scale database (it generates the data when
    the database holds fewer grants than asked for), its figures read back from JSON."""
    with tempfile.TemporaryDirectory() as directory:
        output = Path(directory) / "scale.json"
        command = [sys.executable, "manage.py", "bench", "--pages-only", "--json", str(output)]
        run(command + arguments, url, echo)
        return json.loads(output.read_text())


def run(command: list[str], url: str, echo: Callable[[str], None]) -> None:
    """Run a manage.py command on the database at `url`, passing on its output line by
    line as it comes (data generation takes minutes); fail loudly with its last lines."""
    env = {**os.environ, "DATABASE_URL": url}
    lines = []
    with subprocess.Popen(
        command,
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line.rstrip("\n"))
            echo(lines[-1])
    if process.returncode:
        tail = "\n".join(lines[-20:])
        raise CommandError(f"{' '.join(command[1:3])} failed on the scale database:\n{tail}")


def measure_deadline_refresh() -> dict:
    """Seconds for the app to refresh the stored exercise deadlines after a registration
    period changes: RegistrationPeriod.save() refreshes, in its transaction, every grant
    whose deadline registration can move (grants.models.market). The first period is
    ended a month earlier and saved; rolled back afterwards."""
    period = RegistrationPeriod.objects.order_by("start_date", "pk").first()
    if period is None or period.end_date is None:
        raise CommandError("The deadline refresh needs an ended registration period.")
    refreshed = OptionGrant.objects.filter(optionee__termination_reason="other").count()
    with transaction.atomic():
        period.end_date -= timedelta(days=30)
        start = time.perf_counter()
        period.save()
        seconds = time.perf_counter() - start
        transaction.set_rollback(True)
    return {
        "grants": OptionGrant.objects.count(),
        "refreshed": refreshed,
        "seconds": round(seconds, 2),
    }
