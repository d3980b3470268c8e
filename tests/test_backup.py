"""Backup and restore: dumpdata from one database engine, loaddata into the other, and
every report comes out identical."""

import os
import subprocess
import sys
import uuid
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from grants.models import OptionGrant, StockPrice
from grants.models.service import record_end_of_service
from reports.definitions import REPORTS
from reports.exports import csv_lines
from tests.factories import approved_grant

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
# What a restore rebuilds by itself (migrate), and what is not company data.
EXCLUDE = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "admin.logentry",
    "axes",
    "core.dataversion",
]
REPORT_PARAMS = {
    "officer-compensation": {"year": 2006, "bonus_year": 2004},
    "outstanding-equity-awards": {"as_of": "2006-12-31", "price": "5"},
    "option-exercises": {"year": 2007},
    "plan-based-awards": {"year": 2005},
    "summary-compensation": {"year": 2006},
    "vesting-schedule": {},
    "plan-pool": {"as_of": "2016-01-01"},
    "fair-value-assumptions": {"year": 2006},
}
OPTIONS = {"year": "--year", "bonus_year": "--bonus-year", "as_of": "--as-of", "price": "--price"}


def report_csv(name: str) -> str:
    report = REPORTS[name].from_data(REPORT_PARAMS[name])
    return "".join(csv_lines(report))


def other_database(tmp_path) -> tuple[str, callable]:
    """The other engine where it can be had: PostgreSQL from SQLite and the reverse."""
    if connection.vendor == "postgresql":
        return f"sqlite:///{tmp_path / 'restored.sqlite3'}", lambda: None
    try:
        import psycopg

        name = f"tranche_restore_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
    except Exception:
        if os.environ.get("CI") == "true":
            raise
        return f"sqlite:///{tmp_path / 'restored.sqlite3'}", lambda: None

    def drop():
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"postgresql://postgres@127.0.0.1:5432/{name}", drop


def manage(*args, database_url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_DEBUG": "1"}
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_dump_restored_into_the_other_engine_gives_identical_reports(tmp_path):
    call_command("load_demo", stdout=StringIO())
    grant = approved_grant(OptionGrant.objects.get())  # approved: it can be exercised
    StockPrice.objects.create(date=date(2007, 3, 1), price=Decimal("4.5"))
    grant.exercise(10_000, date(2007, 3, 1), "regulation_t")
    person = grant.optionee
    person.terminated_on, person.termination_reason = date(2007, 6, 1), "disability"
    record_end_of_service(person)
    before = {name: report_csv(name) for name in REPORTS}

    dump = tmp_path / "backup.json"
    call_command(
        "dumpdata",
        "--natural-foreign",
        "--natural-primary",
        *[f"--exclude={label}" for label in EXCLUDE],
        "--output",
        str(dump),
        stdout=StringIO(),
    )
    target, cleanup = other_database(tmp_path)
    try:
        manage("migrate", "--noinput", database_url=target)
        manage("loaddata", str(dump), database_url=target)
        for name, params in REPORT_PARAMS.items():
            output = tmp_path / f"{name}.csv"
            args = [f"{OPTIONS[k]}={v}" for k, v in params.items()]
            manage(
                "export_report",
                name,
                "--format",
                "csv",
                "--output",
                str(output),
                *args,
                database_url=target,
            )
            assert output.read_bytes().decode("utf-8") == before[name], name
    finally:
        cleanup()
