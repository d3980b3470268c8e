"""Import a CSV or Excel file from the command line, exactly as the /imports/ page does:
a preview by default, all or nothing with --commit."""

import os

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from workspace.imports import KINDS

# The command's names for the page's kinds.
COMMAND_KINDS = {"officers": "officer_years", "grants": "grants", "awards": "awards"}


class Command(BaseCommand):
    help = (
        "Import officers' yearly compensation, grants or restricted stock awards from a .csv "
        "or .xlsx file. Without --commit, print every row's errors (or what would be "
        "created) and change nothing; with --commit, import all rows or none."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=list(COMMAND_KINDS))
        parser.add_argument("file", help="A .csv (UTF-8) or .xlsx file with a header row.")
        parser.add_argument(
            "--commit", action="store_true", help="Save the rows (all or none); default: preview."
        )
        parser.add_argument(
            "--new-person",
            action="append",
            default=[],
            metavar="NAME",
            help="A name not on record that is a new person, not a misspelling of a name on "
            "record (repeatable).",
        )

    def handle(self, *args, kind: str, file: str, commit: bool, new_person: list, **options):
        label, _, importer, _, _ = KINDS[COMMAND_KINDS[kind]]
        if not os.path.exists(file):  # also False for a path with a NUL character
            raise CommandError(f"{file!r}: no such file.")
        if not os.path.isfile(file):
            raise CommandError(f"{file!r}: not a file.")
        try:
            stream = open(file, "rb")  # noqa: SIM115 (closed below)
        except OSError as error:
            raise CommandError(f"{file!r}: cannot be read ({error.strerror or error}).") from None
        try:
            upload = File(stream, name=os.path.basename(file))
            # Counted as the rows are checked (a large file takes a while), on standard
            # error: standard output holds the result alone.
            result = importer(upload, commit=commit, new_people=new_person, stream=self.stderr)
        except ValidationError as error:  # the file as a whole: its size, format or columns
            raise CommandError(f"{file!r}: {' '.join(error.messages)}") from None
        except OSError as error:
            raise CommandError(f"{file!r}: cannot be read ({error.strerror or error}).") from None
        finally:
            stream.close()
        rows = len(result.rows)
        if not result.ok:
            for problem in sorted(result.errors, key=lambda e: e.row):
                self.stdout.write(f"row {problem.row}, {problem.column}: {problem.message}")
            raise CommandError(
                f"{len(result.errors)} error(s) in {rows} row(s): nothing was imported.",
                returncode=1,
            )
        if result.new_people:
            added = "Added" if result.committed else "Not on record: the import will add"
            people = "; ".join(f"{name} ({rows})" for name, rows in result.new_people_rows)
            self.stdout.write(f"{added} {len(result.new_people)} new person(s): {people}.")
        if result.committed:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Imported {result.created} record(s) from {rows} row(s): {label}."
                )
            )
            if result.valued is not None:
                self.stdout.write(
                    f"Valued {result.valued} of them at grant-date fair value; "
                    f"`manage.py fair_value --grant ID` says why another is not."
                )
        else:
            self.stdout.write(
                f"Preview: every row is valid; {result.created} record(s) from {rows} row(s) "
                f"would be created: {label}. Nothing was saved; run again with --commit."
            )
