import os
import tempfile
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.dates import validate_date_in_range
from reports.ocf import OcfPackage


class Command(BaseCommand):
    help = (
        "Write the company's records as Open Cap Format 1.2.0 files (manifest, stakeholders, "
        "stock classes, stock plans, transactions) into a folder, as of a date."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            required=True,
            help="The folder to write the files into; made if it does not exist (its "
            "parent must). Files of the same names are replaced.",
        )
        parser.add_argument(
            "--as-of", help="What was true on this date, YYYY-MM-DD. Default: today."
        )

    def handle(self, *args, output: str, as_of: str | None = None, **options):
        on = parse_as_of(as_of)
        folder = Path(output)
        if folder.exists() and not folder.is_dir():
            raise CommandError(f"{folder} is a file, not a folder.")
        if not folder.exists() and not folder.parent.is_dir():
            raise CommandError(f"The folder {folder.parent} does not exist.")
        try:
            files = OcfPackage(on, stream=self.stdout).files()
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        folder.mkdir(exist_ok=True)
        for name, content in files.items():
            write_whole(folder / name, content)
        self.stdout.write(
            f"Wrote {len(files)} Open Cap Format files as of {on:%Y-%m-%d} to {folder}."
        )


def parse_as_of(given: str | None) -> date:
    if not given:
        return timezone.localdate()
    try:
        on = date.fromisoformat(given.strip())
    except ValueError:
        raise CommandError(f"--as-of takes a date as YYYY-MM-DD, not {given[:40]!r}.") from None
    try:
        validate_date_in_range(on)
    except ValidationError as error:
        raise CommandError(f"--as-of: {' '.join(error.messages)}") from None
    return on


def write_whole(path: Path, content: bytes) -> None:
    """Write beside `path`, then put it in place: no half-written file is left."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
