"""The benchmark: every page's timings and queries at the base size and at ten times the
data, the floor every page pays, the import, the deadline refresh, export throughput and
memory, and a load test against gunicorn, on the database DATABASE_URL names; then the
targets of "Performance at ten times the company" checked on those figures."""

import argparse
import gc
import json
import os
import sys
import tempfile
from datetime import date
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client, override_settings

from core import roles
from core.imports import MAX_ROWS
from grants.models import OptionGrant, StockPlan
from reports.definitions import REPORTS
from reports.exports import csv_lines, render_pdf, write_xlsx

from ... import importing, pages, scale, targets
from ...load import load_test
from .generate_scale_data import refuse_foreign_records


def whole_number(most: int):
    """An argument type: a whole number from 1 to `most`, else a clear refusal."""

    def parse(text: str) -> int:
        if not (text.isdigit() and len(text) <= len(str(most)) and 1 <= int(text) <= most):
            raise argparse.ArgumentTypeError(f"a whole number from 1 to {most:,}")
        return int(text)

    return parse


positive = whole_number(999_999)
import_rows = whole_number(MAX_ROWS)


class Command(BaseCommand):
    help = (
        "Benchmark every page at the base size and at ten times the data, the import, the "
        "deadline refresh, the exports and a gunicorn load test; check the targets; print "
        "a table and write JSON. Exits 0 when targets are missed: it measures."
    )

    def add_arguments(self, parser):
        parser.add_argument("--optionees", type=int, default=5000)
        parser.add_argument(
            "--scale-optionees",
            type=int,
            help="Optionees of the scale database (default: ten times --optionees).",
        )
        parser.add_argument(
            "--scale-database",
            help="The scale database's name (PostgreSQL) or file (SQLite); default: the "
            f"main one's with {scale.SUFFIX}. Kept between runs; created, migrated and "
            "filled when needed.",
        )
        parser.add_argument(
            "--skip-scale", action="store_true", help="Leave out the run at ten times the data."
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--requests", type=positive, default=20, help="Timed requests a page.")
        parser.add_argument(
            "--rounds",
            type=positive,
            default=5,
            help="Passes over all the pages that the timed requests are spread across "
            "(see benchmark.pages.measure).",
        )
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
            help="Measure the imports alone (no pages, exports, scale run or load test).",
        )
        parser.add_argument(
            "--pages-only",
            action="store_true",
            help="Measure the pages and the floor alone (the scale run is this, on the scale "
            "database).",
        )
        parser.add_argument(
            "--deadline-refresh",
            action="store_true",
            help="With --pages-only: also time the deadline refresh (the scale run does).",
        )

    def handle(self, *args, **options):
        refuse_foreign_records(options["force"])
        if OptionGrant.objects.count() < options["optionees"] * 2:
            self.stdout.write(f"Generating scale data ({options['optionees']:,} optionees)...")
            call_command(
                "generate_scale_data",
                optionees=options["optionees"],
                seed=options["seed"],
                force=options["force"],
                stdout=self.stdout,
            )
        user = self.bench_user()
        results = {
            "database": connection.vendor,
            "optionees": options["optionees"],
            "grants": OptionGrant.objects.count(),
            "machine": f"{os.cpu_count()} cores, Python {sys.version.split()[0]}",
        }
        if options["pages_only"]:
            results.update(self.pages(user, options["requests"], options["rounds"]))
            if options["deadline_refresh"]:
                results["deadline_refresh"] = scale.measure_deadline_refresh()
            Path(options["json"]).write_text(json.dumps(results, indent=2, default=str))
            self.print_pages(results, [])
            return
        if not options["only_imports"]:
            results.update(self.pages(user, options["requests"], options["rounds"]))
            results["exports"] = self.exports()
        results["imports"] = self.imports(options["import_rows"])
        if not (options["skip_scale"] or options["only_imports"]):
            results["scale"] = self.scale(options)
            results["deadline_refresh"] = results["scale"].pop("deadline_refresh")
        if not (options["skip_load"] or options["only_imports"]):
            results["load"] = load_test(user, options["load_seconds"], options["load_clients"])
        results["targets"] = targets.check(results)
        Path(options["json"]).write_text(json.dumps(results, indent=2, default=str))
        self.print_table(results)

    def bench_user(self):
        """A user in every role, so that every page, entry pages and approvals alike,
        opens to it."""
        User = get_user_model()
        user, _ = User.objects.get_or_create(username="bench-committee")
        user.groups.add(*Group.objects.filter(name__in=roles.ROLES))
        return user

    # --- pages ---------------------------------------------------------------------------

    # DEBUG off as in production: with it on, Django logs every query, which slows the
    # pages and overflows the 9,000-entry log that query counting reads.
    @override_settings(DEBUG=False, REQUIRE_2FA=False, ALLOWED_HOSTS=["testserver"])
    def pages(self, user, requests: int, rounds: int) -> dict:
        listed = pages.pages()
        pages.check_coverage(listed)
        client = Client()
        client.force_login(user)
        pages.check_post_only(client)
        for page in listed:  # load every view and template once
            client.get(page.url)
        # As config/wsgi.py does in the server: what is loaded stays out of the garbage
        # collector's full passes.
        gc.collect()
        gc.freeze()
        try:
            measured = pages.measure(client, listed, requests, rounds, self.stdout)
        finally:
            gc.unfreeze()
        floor = pages.floor_label()
        return {"floor": {"page": floor, **measured[floor]}, "pages": measured}

    def scale(self, options) -> dict:
        """The pages and the deadline refresh at ten times the data, in a second process
        on the scale database: Django holds one set of connection settings per process,
        and a process of its own keeps each size's caches apart."""
        optionees = options["scale_optionees"] or options["optionees"] * 10
        url = scale.scale_database_url(options["scale_database"])
        self.stdout.write(f"Scale run: {optionees:,} optionees on {scale.SUFFIX} database...")
        scale.prepare_database(url)
        arguments = ["--optionees", str(optionees), "--seed", str(options["seed"])]
        arguments += ["--requests", str(options["requests"]), "--rounds", str(options["rounds"])]
        arguments.append("--deadline-refresh")
        figures = scale.run_pages(url, arguments, lambda line: self.stdout.write(f"  x10| {line}"))
        return {
            "optionees": optionees,
            "grants": figures["grants"],
            "floor": figures["floor"],
            "pages": figures["pages"],
            "deadline_refresh": figures["deadline_refresh"],
        }

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
        rows, seconds, peak_mb = importing.timed(run)
        return {
            "rows": rows,
            "seconds": round(seconds, 2),
            "rows_per_second": round(rows / seconds) if seconds else None,
            "peak_memory_mb": peak_mb,
        }

    # --- imports -------------------------------------------------------------------------

    @override_settings(DEBUG=False)
    def imports(self, rows: int) -> dict:
        plan = StockPlan.objects.order_by("pk").values_list("name", flat=True).first()
        # The scale data has grants, and every grant is made under a plan.
        assert plan is not None
        content = importing.grants_import_file(plan, rows)
        # As in a server's worker (config/wsgi.py), and as the pages are measured: what is
        # loaded already, here the pages' and exports' leftovers too, stays out of the
        # garbage collector's full passes, which a large import triggers again and again.
        gc.collect()
        gc.freeze()
        try:
            return {
                **importing.measure_commit(content, rows),
                "preview": importing.measure_preview(content),
            }
        finally:
            gc.unfreeze()

    # --- report --------------------------------------------------------------------------

    def print_pages(self, results: dict, failures: list[dict]) -> None:
        """Each page at both sizes when the scale run was made, with the targets it missed
        ("q": queries, "p50", "lean", "flat"; "(not held)": a page outside the targets)."""
        out = self.stdout.write
        big = results.get("scale", {}).get("pages", {})
        out(
            f"\n{'page':<36}{'queries':>8}{'p50':>8}{'p95':>8}{'SQL':>8}"
            + (f"{'x10 q':>7}{'p50':>8}{'p95':>8}{'SQL':>8}" if big else "")
            + "  missed"
        )
        for label, page in results["pages"].items():
            line = (
                f"{label[:35]:<36}{page['queries']:>8}{page['p50_ms']:>8}{page['p95_ms']:>8}"
                f"{page['all_sql_ms']:>8}"
            )
            if label in big:
                other = big[label]
                line += (
                    f"{other['queries']:>7}{other['p50_ms']:>8}{other['p95_ms']:>8}"
                    f"{other['all_sql_ms']:>8}"
                )
            missed = [f"base {m}" for m in targets.marks(failures, label, "base").split()]
            missed += [f"x10 {m}" for m in targets.marks(failures, label, "x10").split()]
            if page.get("targets") is False:
                missed = ["(not held)"]
            out(f"{line}  {', '.join(missed)}")
        kept = [
            (label, page, big.get(label))
            for label, page in results["pages"].items()
            if first_differs(page) or (label in big and first_differs(big[label]))
        ]
        if kept:
            out("First request after a change (the figures kept under the data version computed):")
            for label, page, other in kept:
                out(
                    f"  {label}: {page['first_ms']} ms"
                    + (f" (x10: {other['first_ms']} ms)" if other else "")
                )
        out(
            "Milliseconds. SQL: the database running all of the page's reads, one after "
            f"another. Floor: {results['floor']['page']}, p50 {results['floor']['p50_ms']} ms"
            + (f" (x10: {results['scale']['floor']['p50_ms']} ms)." if big else ".")
        )

    def print_table(self, results: dict) -> None:
        out = self.stdout.write
        out(
            f"\nTranche benchmark: {results['grants']:,} grants on {results['database']}, "
            f"{results['machine']}"
        )
        if "scale" in results:
            out(
                f"Ten times the data: {results['scale']['optionees']:,} optionees, "
                f"{results['scale']['grants']:,} grants."
            )
        failures = results["targets"]["failures"]
        if "pages" in results:
            self.print_pages(results, failures)
            out(f"\n{'export':<26}{'rows':>9}{'rows/s':>10}{'peak MB':>9}")
            for label, export in results["exports"].items():
                out(
                    f"{label:<26}{export['rows']:>9,}{export['rows_per_second'] or 0:>10,}"
                    f"{export['peak_memory_mb']:>9}"
                )
        run = results["imports"]
        out(
            f"\nimport_data grants --commit: {run['rows']:,} rows, {run['grants']:,} grants in "
            f"{run['seconds']} s: {run['rows_per_second']:,} rows/s, "
            f"{run['grants_per_second']:,} grants/s (preview: {run['preview']['seconds']} s, "
            f"{run['preview']['peak_memory_mb']} MB peak)"
        )
        if "deadline_refresh" in results:
            refresh = results["deadline_refresh"]
            out(
                f"deadline refresh at ten times the data: {refresh['refreshed']:,} of "
                f"{refresh['grants']:,} grants in {refresh['seconds']} s"
            )
        if "load" in results:
            load = results["load"]
            out(
                f"\nload test ({load['generator']}): {load['clients']} clients, "
                f"{load['seconds']} s: "
                f"{load['requests_per_second']} requests/s, p50 {load['p50_ms']} ms, "
                f"p95 {load['p95_ms']} ms, {load['errors']} errors"
            )
        self.print_targets(results["targets"])

    def print_targets(self, checked: dict) -> None:
        out = self.stdout.write
        failures = checked["failures"]
        if not failures:
            out(self.style.SUCCESS(f"\nTargets met ({', '.join(checked['checked'])})."))
            return
        out(self.style.ERROR(f"\nTARGETS MISSED: {len(failures)}"))
        for target in checked["checked"]:
            missed = [f for f in failures if f["target"] == target]
            if missed:
                out(self.style.ERROR(f"  {target}: {checked['limits'][target]}"))
                for f in missed:
                    out(f"    {f['subject']} ({f['size']}): {f['value']}, limit {f['limit']}")


def first_differs(page: dict) -> bool:
    """Whether a page's first request after a change stands apart from its p50: more than
    twice as long and 5 ms more (noise alone rarely doubles a page), as where kept
    figures are computed again."""
    return page["first_ms"] > 2 * page["p50_ms"] + 5
