"""The import's figures: a grants file of the largest size the import takes, previewed as
the import page does, and imported with `manage.py import_data grants FILE --commit`."""

import io
import tempfile
import time
import tracemalloc
from datetime import date
from decimal import Decimal
from io import StringIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook

from core import fiscal
from grants.imports import OPTIONAL as GRANT_OPTIONAL
from grants.imports import REQUIRED as GRANT_REQUIRED
from grants.imports import import_grants
from grants.models import OptionGrant, StockPrice, ValuationDefaults

IMPORT_GRANT_DATE = date(2020, 3, 2)
INSTALLMENTS_PER_GRANT = 4


def grants_import_file(plan: str, rows: int) -> bytes:
    """An .xlsx grants file of `rows` installments, four to a grant and every column
    filled: at core.imports.MAX_ROWS rows, the largest file the import accepts."""
    price = max(StockPrice.on(IMPORT_GRANT_DATE) or Decimal(0), Decimal("1.00"))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(GRANT_REQUIRED + GRANT_OPTIONAL)
    for n in range(rows):
        grant, k = divmod(n, INSTALLMENTS_PER_GRANT)
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


def timed(run) -> tuple:
    """(what run() returns, its seconds, its peak memory in MB). The memory is taken in a
    second run: tracemalloc slows Python down, so that run is not timed."""
    start = time.perf_counter()
    result = run()
    seconds = time.perf_counter() - start
    tracemalloc.start()
    run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return result, seconds, round(peak / 1024 / 1024, 1)


def measure_preview(content: bytes) -> dict:
    """Seconds and peak memory of a preview of a grants file, as the import page runs it:
    read, check every row and grant, save nothing."""
    result, seconds, peak_mb = timed(
        lambda: import_grants(SimpleUploadedFile("grants.xlsx", content), commit=False)
    )
    return {
        "file_kb": round(len(content) / 1024),
        "rows": len(result.rows),
        "errors": len(result.errors),
        "seconds": round(seconds, 2),
        "peak_memory_mb": peak_mb,
    }


def measure_commit(content: bytes, rows: int) -> dict:
    """Rows and grants a second of `import_data grants FILE --commit` (read, check, save
    every grant with its installments, people and change history, value each grant).
    The command saves in a transaction of its own (core.imports), which inside this one
    is a savepoint: rolling this one back leaves the database as it was, and the next
    run imports the same file again."""
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as file:
        file.write(content)
        file.flush()
        with transaction.atomic():
            # Approved defaults for the grants' fiscal year, so that each grant is valued.
            ValuationDefaults.objects.update_or_create(
                fiscal_year=fiscal.year_of(IMPORT_GRANT_DATE),
                defaults={
                    "volatility": Decimal("0.45"),
                    "risk_free_rate": Decimal("0.02"),
                    "dividend_yield": Decimal(0),
                    "expected_term": None,  # the simplified method, from the installments
                    "approved_at": timezone.now(),
                    "approval_meeting": "Benchmark",
                },
            )
            before = OptionGrant.objects.count()
            start = time.perf_counter()
            call_command(
                "import_data",
                "grants",
                file.name,
                commit=True,
                stdout=StringIO(),
                stderr=StringIO(),
            )
            seconds = time.perf_counter() - start
            grants = OptionGrant.objects.count() - before
            transaction.set_rollback(True)
    return {
        "file_kb": round(len(content) / 1024),
        "rows": rows,
        "grants": grants,
        "seconds": round(seconds, 2),
        "rows_per_second": round(rows / seconds) if seconds else None,
        "grants_per_second": round(grants / seconds) if seconds else None,
    }
