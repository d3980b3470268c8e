import os
import tempfile
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.progress import progress
from reports import package
from reports.definitions import REPORTS
from reports.exports import TooManyRowsForPdf, csv_lines, file_name, render_pdf, write_xlsx

# Command options -> the report's form fields.
FIELDS = {
    "year": "year",
    "bonus_year": "bonus_year",
    "as_of": "as_of",
    "price": "price",
    "grant": "grant",
    "award": "award",
    "start": "start",
    "end": "end",
}


class Command(BaseCommand):
    help = (
        "Export a report as CSV, Excel or PDF, or the proxy package of a fiscal year as "
        "Excel or PDF, for scripted board-book assembly."
    )

    def add_arguments(self, parser):
        parser.add_argument("report", choices=[*sorted(REPORTS), package.NAME])
        parser.add_argument("--format", choices=["csv", "xlsx", "pdf"], required=True)
        parser.add_argument(
            "--output",
            help="The file to write, or a folder. Default: the report's file name "
            "(e.g. summary-compensation-fy2006.xlsx) in the current folder.",
        )
        parser.add_argument(
            "--year", help="Fiscal year (officer-compensation, 402(c), (d), (g), proxy-package)."
        )
        parser.add_argument("--bonus-year", help="Bonus year (officer-compensation).")
        parser.add_argument("--as-of", help="Fiscal year-end or as-of date, YYYY-MM-DD.")
        parser.add_argument("--price", help="Share price (outstanding-equity-awards).")
        parser.add_argument("--grant", help="Grant id (vesting-schedule; default: all).")
        parser.add_argument("--award", help="Award id (vesting-schedule; default: all).")
        parser.add_argument("--start", help="First vest date, YYYY-MM-DD (vesting-schedule).")
        parser.add_argument("--end", help="Last vest date, YYYY-MM-DD (vesting-schedule).")

    def handle(self, *args, **options):
        name, fmt = options["report"], options["format"]
        target = package.ProxyPackage if name == package.NAME else REPORTS[name]
        data = {
            field: options[option]
            for field, option in FIELDS.items()
            if options.get(option) not in (None, "")
        }
        unused = set(data) - set(target.form_class.base_fields)
        if unused:
            options_used = ", ".join("--" + field.replace("_", "-") for field in sorted(unused))
            raise CommandError(f"{name} does not take {options_used}.")
        if target is package.ProxyPackage and fmt not in package.FORMATS:
            raise CommandError(f"{name} is written as {' or '.join(package.FORMATS)}, not {fmt}.")
        try:
            made = target.from_data(data)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        output = self.output_path(options["output"], made, fmt)
        rows = None
        if not isinstance(made, package.ProxyPackage):
            # Counted as they are read and written; a PDF's time is mostly its layout,
            # after its (at most PDF_MAX_ROWS) rows are read.
            rows = progress(made.rows(), total=made.row_count(), desc=name, stream=self.stdout)
        try:
            if isinstance(made, package.ProxyPackage):
                if fmt == "xlsx":
                    write_whole(output, made.write_xlsx)
                else:
                    output.write_bytes(made.render_pdf())
            elif fmt == "csv":
                with output.open("w", newline="", encoding="utf-8") as handle:
                    for line in csv_lines(made, rows):
                        handle.write(line)
            elif fmt == "xlsx":
                write_whole(output, lambda file: write_xlsx(made, file, rows))
            else:
                output.write_bytes(render_pdf(made, rows))
        except TooManyRowsForPdf as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Wrote {made.title} to {output}.")

    @staticmethod
    def output_path(given: str | None, made, fmt: str) -> Path:
        """--output as given; a folder, or nothing, for the report's own file name."""
        default = made.file_name(fmt) if isinstance(made, package.ProxyPackage) else None
        default = default or file_name(made, fmt)
        if not given:
            return Path(default)
        output = Path(given)
        if output.is_dir():
            return output / default
        if given.endswith(("/", os.sep)):
            raise CommandError(f"The folder {output} does not exist.")
        if not output.parent.exists():
            raise CommandError(f"The folder {output.parent} does not exist.")
        return output


def write_whole(output: Path, write) -> None:
    """Write into a temporary file beside `output`, then put it in place: a failure midway
    leaves no half-written workbook."""
    handle, temporary = tempfile.mkstemp(dir=output.parent, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as file:
            write(file)
        # mkstemp makes the file readable by its owner only; a report is written with the
        # permissions any new file gets (the umask), as the PDF and CSV are.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, output)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
