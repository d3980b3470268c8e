import tempfile
from contextlib import nullcontext
from itertools import islice

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control

from .base import table_rows
from .definitions import REPORTS
from .exports import TooManyRowsForPdf, csv_lines, file_name, render_pdf, write_xlsx
from .forms import OcfForm
from .ocf import OcfPackage
from .package import FORMATS, TABLES, ProxyPackage

# The page shows this many rows; the CSV and Excel exports hold every row.
PAGE_ROWS = 1000

# Each report shows compensation or equity data; every role may read both.
REPORT_PERMISSIONS = ("compensation.view_officeryear", "grants.view_optiongrant")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def check_access(user) -> None:
    if not user.has_perms(REPORT_PERMISSIONS):
        raise PermissionDenied


def index(request):
    check_access(request.user)
    reports = [(cls, cls.form_class()) for cls in REPORTS.values()]
    return render(
        request,
        "reports/index.html",
        {
            "reports": reports,
            "package_form": ProxyPackage.form_class(),
            "package_formats": FORMATS,
            "ocf_form": OcfForm(),
        },
    )


def report_page(request, name: str):
    check_access(request.user)
    try:
        report_class = REPORTS[name]
    except KeyError:
        raise Http404("No such report.") from None
    form = report_class.form_class(request.GET or None)
    if form.is_bound and not form.is_valid():
        response = render(
            request,
            "reports/report.html",
            {"form": form, "report": None, "report_class": report_class},
        )
        patch_cache_control(response, no_store=True)
        return response
    report = report_class(form.cleaned_data if form.is_bound else _defaults(report_class))
    export = request.GET.get("_export")
    if export in CONTENT_TYPES:
        try:
            return export_response(report, export)
        except TooManyRowsForPdf as error:
            messages.error(request, str(error))
    # In a transaction, PostgreSQL's server-side cursor (iterator()) is declared without
    # HOLD, so only the rows shown are read; outside one it materializes every row first.
    # A report that keeps its figures reads them all, and none when they are kept.
    with nullcontext() if report.keeps_figures else transaction.atomic():
        rows = list(islice(report.rows(), PAGE_ROWS + 1))
    cells = [[(c, c.display(row.get(c.key))) for c in report.columns] for row in rows[:PAGE_ROWS]]
    context = {
        "truncated": len(rows) > PAGE_ROWS,
        "page_rows": PAGE_ROWS,
        "form": form if form.is_bound else report_class.form_class(initial=report.params),
        "report": report,
        "report_class": report_class,
        "columns": report.columns,
        "cells": cells,
        "rows": table_rows(cells),
        "footnotes": report.footnotes(),
        "query": request.GET.urlencode(),
    }
    response = render(request, "reports/report.html", context)
    patch_cache_control(response, no_store=True)
    return response


def _defaults(report_class) -> dict:
    form = report_class.form_class({})
    if not form.is_valid():  # every parameter has a default
        raise ValidationError(form.errors)
    return form.cleaned_data


def export_response(report, export: str):
    response: HttpResponseBase
    if export == "csv":
        response = StreamingHttpResponse(csv_lines(report), content_type=CONTENT_TYPES["csv"])
    elif export == "xlsx":
        response = _xlsx_response(lambda file: write_xlsx(report, file))
    else:
        response = HttpResponse(render_pdf(report), content_type=CONTENT_TYPES["pdf"])
    return _attachment(response, file_name(report, export))


def _xlsx_response(write) -> FileResponse:
    # Built in a temporary file, then streamed from it: memory stays flat.
    file = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    write(file)
    file.seek(0)
    return FileResponse(file, content_type=CONTENT_TYPES["xlsx"])


def _attachment(response: HttpResponseBase, filename: str) -> HttpResponseBase:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    patch_cache_control(response, no_store=True)
    return response


def proxy_package(request):
    """The package's page: the year and a button per format; a button downloads it."""
    check_access(request.user)
    form = ProxyPackage.form_class(request.GET or None)
    export = request.GET.get("_export")
    package = ProxyPackage(form.cleaned_data["year"]) if form.is_valid() else None
    if package is not None and export in FORMATS:
        try:
            if export == "xlsx":
                return _attachment(_xlsx_response(package.write_xlsx), package.file_name("xlsx"))
            response = HttpResponse(package.render_pdf(), content_type=CONTENT_TYPES["pdf"])
            return _attachment(response, package.file_name("pdf"))
        except TooManyRowsForPdf as error:
            messages.error(request, str(error))
    elif export and export not in FORMATS:
        messages.error(request, "The proxy package is written as Excel or PDF.")
    response = render(
        request,
        "reports/proxy_package.html",
        {
            "form": form,
            "package": package,
            "tables": TABLES,
            "formats": FORMATS,
        },
    )
    patch_cache_control(response, no_store=True)
    return response


def ocf_zip(request):
    """The Open Cap Format files of the whole company as of a date, as one .zip."""
    check_access(request.user)
    form = OcfForm(request.GET)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, f"Open Cap Format: {error}")
        return redirect("reports:index")
    package = OcfPackage(form.cleaned_data["as_of"])
    # Built in a temporary file, then streamed from it, as the workbooks are.
    file = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    try:
        package.write_zip(file)
    except ValidationError as error:
        file.close()
        for message in error.messages:
            messages.error(request, message)
        return redirect("reports:index")
    file.seek(0)
    response = FileResponse(file, content_type="application/zip")
    return _attachment(response, package.file_name())
