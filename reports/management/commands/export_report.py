from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from reports.definitions import REPORTS
from reports.exports import TooManyRowsForPdf, csv_lines, render_pdf, write_xlsx


class Command(BaseCommand):
    help = "Export a report as CSV, Excel or PDF, for scripted board-book assembly."

    def add_arguments(self, parser):
        parser.add_argument("report", choices=sorted(REPORTS))
        parser.add_argument("--format", choices=["csv", "xlsx", "pdf"], required=True)
        parser.add_argument("--output", required=True, help="The file to write.")
        parser.add_argument("--year", help="Fiscal year (officer-compensation, 402(c), (d), (g)).")
        parser.add_argument("--bonus-year", help="Bonus year (officer-compensation).")
        parser.add_argument("--as-of", help="Fiscal year-end or as-of date, YYYY-MM-DD.")
        parser.add_argument("--price", help="Share price (outstanding-equity-awards).")
        parser.add_argument("--grant", help="Grant id (vesting-schedule; default: all).")
        parser.add_argument("--award", help="Award id (vesting-schedule; default: all).")
        parser.add_argument("--start", help="First vest date, YYYY-MM-DD (vesting-schedule).")
        parser.add_argument("--end", help="Last vest date, YYYY-MM-DD (vesting-schedule).")

    def handle(self, *args, **options):
        report_class = REPORTS[options["report"]]
        data = {
            field: options[option]
            for field, option in {
                "year": "year",
                "bonus_year": "bonus_year",
                "as_of": "as_of",
                "price": "price",
                "grant": "grant",
                "award": "award",
                "start": "start",
                "end": "end",
            }.items()
            if options.get(option) not in (None, "")
        }
        unused = set(data) - set(report_class.form_class.base_fields)
        if unused:
            options_used = ", ".join("--" + name.replace("_", "-") for name in sorted(unused))
            raise CommandError(f"{report_class.name} does not take {options_used}.")
        try:
            report = report_class.from_data(data)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        output = Path(options["output"])
        if not output.parent.exists():
            raise CommandError(f"The folder {output.parent} does not exist.")
        fmt = options["format"]
        if fmt == "csv":
            with output.open("w", newline="", encoding="utf-8") as handle:
                for line in csv_lines(report):
                    handle.write(line)
        elif fmt == "xlsx":
            write_xlsx(report, str(output))
        else:
            try:
                output.write_bytes(render_pdf(report))
            except TooManyRowsForPdf as error:
                raise CommandError(str(error)) from None
        self.stdout.write(f"Wrote {report.title} to {output}.")
