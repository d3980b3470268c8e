"""The benchmark: page timings and query counts, export throughput and memory, and a
load test against gunicorn, on the database DATABASE_URL names."""

import argparse
import gc
import io
import json
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, reset_queries, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import Workbook

from core import fiscal, roles
from core.imports import MAX_ROWS
from grants.imports import OPTIONAL as GRANT_OPTIONAL
from grants.imports import REQUIRED as GRANT_REQUIRED
from grants.imports import import_grants
from grants.models import OptionGrant, StockPlan, StockPrice, ValuationDefaults
from reports.definitions import REPORTS
from reports.exports import csv_lines, render_pdf, write_xlsx

from ...load import load_test, percentile
from .generate_scale_data import refuse_foreign_records

BASE = Path(settings.BASE_DIR)
CURSOR_CHUNK = 5000  # reports.definitions reads installments 5,000 at a time


IMPORT_GRANT_DATE = date(2020, 3, 2)


def import_rows(text: str) -> int:
    if not (text.isdigit() and len(text) <= 6 and 1 <= int(text) <= MAX_ROWS):
        raise argparse.ArgumentTypeError(f"a whole number from 1 to {MAX_ROWS:,}")
    return int(text)


def grants_import_file(plan: str, rows: int) -> bytes:
    """An .xlsx grants file of `rows` installments, four to a grant and every column
    filled: at core.imports.MAX_ROWS rows, the largest file the import accepts."""
    price = max(StockPrice.on(IMPORT_GRANT_DATE) or Decimal(0), Decimal("1.00"))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(GRANT_REQUIRED + GRANT_OPTIONAL)
    for n in range(rows):
        grant, k = divmod(n, 4)
        sheet.append(
            [
                f"Import Benchmark Optionee {grant + 1:06d}",
                plan,
                IMPORT_GRANT_DATE,
                40,
                price,
                date(2030, 3, 1),
                date(2021 + k, 3, 2),
                10,
                "NSO",
                10,
                "Board of Directors",
                IMPORT_GRANT_DATE,
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def measure_import_preview(content: bytes) -> dict:
    """Seconds and peak memory of a preview of a grants file, as the import page runs it:
    read, check every row and grant, save nothing. Memory in a second run (tracemalloc
    slows Python down, so that run is not timed)."""

    def preview():
        return import_grants(SimpleUploadedFile("grants.xlsx", content), commit=False)

    start = time.perf_counter()
    result = preview()
    seconds = time.perf_counter() - start
    tracemalloc.start()
    preview()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "file_kb": round(len(content) / 1024),
        "rows": len(result.rows),
        "errors": len(result.errors),
        "seconds": round(seconds, 2),
        "peak_memory_mb": round(peak / 1024 / 1024, 1),
    }


def measure_import_commit(content: bytes, user) -> dict:
    """Seconds of an import with --commit of a grants file, as the import page runs it
    (read, check, save every grant with its installments, people and change history, value
    each grant), and its rows a second. Rolled back afterwards: the benchmark's database
    stays as it was, and the next run imports the same file again."""
    with transaction.atomic():
        # Approved defaults for the grants' fiscal year, so that each grant is valued.
        ValuationDefaults.objects.update_or_create(
            fiscal_year=fiscal.year_of(IMPORT_GRANT_DATE),
            defaults={
                "volatility": Decimal("0.45"),
                "risk_free_rate": Decimal("0.02"),
                "dividend_yield": Decimal(0),
                "expected_term": None,  # the simplified method, from each grant's installments
                "approved_at": timezone.now(),
                "approval_meeting": "Benchmark",
            },
        )
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            result = import_grants(SimpleUploadedFile("grants.xlsx", content), True, by=user)
            seconds = time.perf_counter() - start
        transaction.set_rollback(True)
    return {
        "file_kb": round(len(content) / 1024),
        "rows": len(result.rows),
        "errors": len(result.errors),
        "grants": result.created,
        "valued": result.valued,
        "queries": len(queries),
        "seconds": round(seconds, 2),
        "rows_per_second": round(len(result.rows) / seconds) if seconds else None,
        "peak_memory_mb": None,
    }


class Command(BaseCommand):
    help = "Benchmark pages, exports and a gunicorn load test; print a table, write JSON."

    def add_arguments(self, parser):
        parser.add_argument("--optionees", type=int, default=5000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--requests", type=int, default=20)
        parser.add_argument("--json", default="bench.json")
        parser.add_argument("--load-seconds", type=int, default=20)
        parser.add_argument("--load-clients", type=int, default=16)
        parser.add_argument("--skip-load", action="store_true")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even on a database that holds records the scale data did not make "
            "(the benchmark adds scale data and a user of its own).",
        )
        parser.add_argument(
            "--import-rows",
            type=import_rows,
            default=MAX_ROWS,
            help="Rows of the grants file previewed and imported (default: the most an import "
            "takes, 20,000: 5,000 grants of four installments).",
        )
        parser.add_argument(
            "--only-imports",
            action="store_true",
            help="Measure the imports alone (no pages, exports or load test).",
        )

    def handle(self, *args, **options):
        refuse_foreign_records(options["force"])
        if OptionGrant.objects.count() < options["optionees"] * 2:
            self.stdout.write("Generating scale data...")
            call_command(
                "generate_scale_data",
                optionees=options["optionees"],
                seed=options["seed"],
                force=options["force"],
                stdout=self.stdout,
            )
        user = self.bench_user()
        only_imports = options["only_imports"]
        results = {
            "database": connection.vendor,
            "grants": OptionGrant.objects.count(),
            "machine": f"{os.cpu_count()} cores, Python {sys.version.split()[0]}",
            "pages": {} if only_imports else self.pages(user, options["requests"]),
            "exports": {} if only_imports else self.exports(),
            "imports": self.imports(options["import_rows"], user),
        }
        if not options["skip_load"] and not only_imports:
            results["load"] = load_test(user, options["load_seconds"], options["load_clients"])
        Path(options["json"]).write_text(json.dumps(results, indent=2, default=str))
        self.print_table(results)

    def bench_user(self):
        User = get_user_model()
        user, _ = User.objects.get_or_create(username="bench-committee")
        user.groups.add(Group.objects.get(name=roles.COMMITTEE))
        return user

    # --- pages ---------------------------------------------------------------------------

    def page_urls(self) -> dict[str, str]:
        count = OptionGrant.objects.count()
        deep = max(1, count // 25 // 2)
        grant = OptionGrant.objects.order_by("pk")[count // 2]
        return {
            "dashboard": "/",
            "grants list": "/grants/?as_of=2020-06-30",
            "grants list, deep page": f"/grants/?as_of=2020-06-30&page={deep}",
            "grant page": f"/grants/{grant.pk}/?as_of=2020-06-30",
            "officer review": "/compensation/review/?year=2020&price=25",
            "402(f) report": "/reports/outstanding-equity-awards/?as_of=2020-12-31",
            "plan pool report": "/reports/plan-pool/?as_of=2020-12-31",
            "vesting schedule, all": "/reports/vesting-schedule/",
        }

    # DEBUG off as in production: with it on, Django logs every query, which slows the
    # pages and overflows the 9,000-entry log that query counting reads.
    @override_settings(DEBUG=False, REQUIRE_2FA=False, ALLOWED_HOSTS=["testserver"])
    def pages(self, user, requests: int) -> dict:
        client = Client()
        client.force_login(user)
        urls = self.page_urls()
        for url in urls.values():  # load every view and template once
            assert client.get(url).status_code == 200, url
        # As config/wsgi.py does in the server: what is loaded stays out of the garbage
        # collector's full passes.
        gc.collect()
        gc.freeze()
        try:
            return self.measure_pages(client, urls, requests)
        finally:
            gc.unfreeze()

    def measure_pages(self, client, urls: dict[str, str], requests: int) -> dict:
        results = {}
        for label, url in urls.items():
            for _ in range(2):  # warm caches and connections
                assert client.get(url).status_code == 200, url
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            # Copied now: Django clears the query log when the next request starts.
            captured = list(queries.captured_queries)
            timings = []
            for _ in range(requests):
                start = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200
            # PostgreSQL alone: the page's slowest query, and all its reads one after another.
            reads = [q["sql"] for q in captured if q["sql"].startswith(("SELECT", "DECLARE"))]
            # The main SQL is the slowest read, timed here: the log's times are rounded
            # to the millisecond, which cannot tell sub-millisecond queries apart.
            main_sql = max((self.sql_time([sql], 5), sql) for sql in reads)[1]
            sql_p50 = self.sql_time([main_sql], requests)
            all_sql_p50 = self.sql_time(reads, requests)
            p50 = statistics.median(timings)
            results[label] = {
                "url": url,
                "queries": len(captured),
                "p50_ms": round(p50, 1),
                "p95_ms": round(percentile(timings, 0.95), 1),
                "main_sql_p50_ms": round(sql_p50, 2),
                "ratio_to_main_sql": round(p50 / sql_p50, 1) if sql_p50 else None,
                "all_reads_sql_p50_ms": round(all_sql_p50, 2),
                "ratio_to_all_reads": round(p50 / all_sql_p50, 1) if all_sql_p50 else None,
            }
        return results

    @staticmethod
    def sql_time(statements: list[str], repeat: int) -> float:
        """Median milliseconds for PostgreSQL to run the statements and return their rows.
        A server-side cursor (DECLARE, from iterator()) is read as the page reads it: its
        first chunk of CURSOR_CHUNK rows, the largest chunk the project's iterators ask for."""
        timings = []
        with connection.cursor() as cursor:
            for _ in range(repeat):
                start = time.perf_counter()
                for sql in statements:
                    if sql.startswith("DECLARE"):
                        name = sql.split()[1]
                        with transaction.atomic():
                            cursor.execute(sql)
                            cursor.execute(f"FETCH FORWARD {CURSOR_CHUNK} FROM {name}")
                            cursor.fetchall()
                            cursor.execute(f"CLOSE {name}")
                    else:
                        cursor.execute(sql)
                        cursor.fetchall()
                timings.append((time.perf_counter() - start) * 1000)
        return statistics.median(timings)

    # --- exports -------------------------------------------------------------------------

    @override_settings(DEBUG=False)
    def exports(self) -> dict:
        everything = REPORTS["vesting-schedule"].from_data({})
        fye = REPORTS["outstanding-equity-awards"].from_data({"as_of": date(2020, 12, 31)})

        def csv_run():
            rows = -1
            for _ in csv_lines(everything):
                rows += 1
            return rows

        def xlsx_run():
            # Into a temporary file, as the Excel download is made.
            with tempfile.TemporaryFile() as file:
                return write_xlsx(everything, file)

        def pdf_run():
            rows = list(fye.rows())
            render_pdf(fye, rows)
            return len(rows)

        return {
            "CSV, all installments": self.measure(csv_run),
            "Excel, all installments": self.measure(xlsx_run),
            "PDF, 402(f)": self.measure(pdf_run),
        }

    def measure(self, run) -> dict:
        start = time.perf_counter()
        rows = run()
        seconds = time.perf_counter() - start
        # Memory in a second run: tracemalloc slows Python down, so it is not timed.
        tracemalloc.start()
        run()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return {
            "rows": rows,
            "seconds": round(seconds, 2),
            "rows_per_second": round(rows / seconds) if seconds else None,
            "peak_memory_mb": round(peak / 1024 / 1024, 1),
        }

    # --- imports -------------------------------------------------------------------------

    @override_settings(DEBUG=False)
    def imports(self, rows: int, user) -> dict:
        plan = StockPlan.objects.order_by("pk").values_list("name", flat=True).first()
        # The scale data has grants, and every grant is made under a plan.
        assert plan is not None
        content = grants_import_file(plan, rows)
        return {
            f"grants preview, {rows:,} rows": measure_import_preview(content),
            f"grants commit, {rows:,} rows": measure_import_commit(content, user),
        }

    # --- report --------------------------------------------------------------------------

    def print_table(self, results: dict) -> None:
        out = self.stdout.write
        out(
            f"\nTranche benchmark: {results['grants']:,} grants on {results['database']}, "
            f"{results['machine']}"
        )
        out(
            f"\n{'page':<26}{'queries':>8}{'p50 ms':>9}{'p95 ms':>9}{'SQL ms':>9}{'ratio':>7}"
            f"{'all SQL ms':>12}{'ratio':>7}"
        )
        for label, page in results["pages"].items():
            out(
                f"{label:<26}{page['queries']:>8}{page['p50_ms']:>9}{page['p95_ms']:>9}"
                f"{page['main_sql_p50_ms']:>9}{page['ratio_to_main_sql']:>7}"
                f"{page['all_reads_sql_p50_ms']:>12}{page['ratio_to_all_reads']:>7}"
            )
        out("SQL ms: the page's slowest query alone; all SQL ms: all its reads, one after another.")
        out(f"\n{'export':<26}{'rows':>9}{'rows/s':>10}{'peak MB':>9}")
        for label, export in results["exports"].items():
            out(
                f"{label:<26}{export['rows']:>9,}{export['rows_per_second']:>10,}"
                f"{export['peak_memory_mb']:>9}"
            )
        out(
            f"\n{'import':<28}{'rows':>9}{'errors':>8}{'file KB':>9}{'seconds':>9}"
            f"{'rows/s':>9}{'peak MB':>9}"
        )
        for label, run in results["imports"].items():
            per_second = run.get("rows_per_second") or round(
                run["rows"] / max(run["seconds"], 0.01)
            )
            out(
                f"{label:<28}{run['rows']:>9,}{run['errors']:>8,}{run['file_kb']:>9,}"
                f"{run['seconds']:>9}{per_second:>9,}{run['peak_memory_mb'] or '':>9}"
            )
        if "load" in results:
            load = results["load"]
            out(
                f"\nload test ({load['generator']}): {load['clients']} clients, "
                f"{load['seconds']} s: "
                f"{load['requests_per_second']} requests/s, p50 {load['p50_ms']} ms, "
                f"p95 {load['p95_ms']} ms, {load['errors']} errors"
            )
