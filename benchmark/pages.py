"""Every page a signed-in user can reach with GET, in its default view, with a record
from the middle of the database; and the routes left out, each with its reason.

The URLconf is walked on every run and each named route must be measured here or
excluded here, or the benchmark refuses to run: a page added later cannot go unmeasured
by being forgotten."""

import logging
import statistics
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urlencode

from django.core.management.base import CommandError
from django.db import connection, reset_queries, transaction
from django.db.models import Model, QuerySet
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from compensation.models import Footnote, OfficerYear, Person
from core.data_version import new_token
from core.progress import progress_steps
from grants.models import (
    Exercise,
    OptionGrant,
    RegistrationPeriod,
    StockAward,
    StockPlan,
    StockPrice,
    ValuationDefaults,
)
from reports.definitions import REPORTS
from workspace.models import Change

from .load import percentile

M = TypeVar("M", bound=Model)

CURSOR_CHUNK = 5000  # reports.definitions reads installments 5,000 at a time
FIRST_REQUESTS = 3  # each after a new data version token: their median is first_ms
GRANTS_PER_PAGE = 25  # grants.views.grants.GrantListView.table_pagination

POST_ONLY = "POST only: an action, not a page (GET answers 405, checked on every run)"
# Route name (or "namespace:*" for a whole namespace) -> why it is not measured.
EXCLUDED = {
    "admin:*": "the Django admin: the superuser's tool, not one of the product's pages",
    "login": "the sign-in page, served to visitors who are not signed in",
    "logout": POST_ONLY,
    "sign-out-everywhere": POST_ONLY,
    "compensation:return": POST_ONLY,
    "compensation:reopen": POST_ONLY,
    "grants:value": POST_ONLY,
    "grants:registration-end": POST_ONLY,
    "grants:valuation-approve": POST_ONLY,
    "grants:valuation-reopen": POST_ONLY,
    "grants:valuation-value": POST_ONLY,
    "reports:ocf": "a download (the Open Cap Format zip), like the CSV, Excel and PDF "
    "exports, which are the same routes as their pages with ?_export=",
}

# The page whose cost is the floor every page pays: see floor_label().
FLOOR_ROUTE = "two-factor-verify"


@dataclass(frozen=True)
class Page:
    label: str
    route: str  # the URL pattern's name, namespaced
    url: str
    # False: measured and reported, but not held to the targets (see pages()).
    targets: bool = True


def routes() -> Iterator[tuple[str, URLPattern]]:
    """Every named route of the URLconf, as reverse() names it ("grants:detail")."""

    def walk(patterns, namespace: str) -> Iterator[tuple[str, URLPattern]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace
                prefix = f"{namespace}{inner}:" if inner else namespace
                yield from walk(pattern.url_patterns, prefix)
            elif pattern.name:
                yield f"{namespace}{pattern.name}", pattern

    yield from walk(get_resolver().url_patterns, "")


def excluded(route: str) -> str | None:
    namespace = route.split(":")[0] + ":*" if ":" in route else None
    return EXCLUDED.get(route) or (EXCLUDED.get(namespace) if namespace else None)


def check_coverage(pages: list[Page]) -> None:
    """Every route is measured or excluded with a reason, and every exclusion names a
    route that exists; otherwise a CommandError that lists them."""
    names = {name for name, _ in routes()}
    measured = {page.route for page in pages}
    forgotten = sorted(n for n in names if n not in measured and excluded(n) is None)
    stale = sorted(n for n in EXCLUDED if not n.endswith(":*") and n not in names)
    problems = []
    if forgotten:
        problems.append(
            "Routes neither measured nor excluded (add them to benchmark.pages.pages(), or "
            f"to EXCLUDED with a reason): {', '.join(forgotten)}."
        )
    if stale:
        problems.append(f"Excluded routes that the URLconf no longer has: {', '.join(stale)}.")
    if problems:
        raise CommandError(" ".join(problems))


def check_post_only(client: Client) -> None:
    """The routes excluded as POST only refuse GET: otherwise they are pages, unmeasured."""
    pages = []
    # Each 405 is logged as a warning; expected here, so not shown.
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        for name, pattern in routes():
            if EXCLUDED.get(name) == POST_ONLY:
                kwargs = dict.fromkeys(pattern.pattern.converters, 1)
                if client.get(reverse(name, kwargs=kwargs)).status_code != 405:
                    pages.append(name)
    finally:
        logger.setLevel(level)
    if pages:
        raise CommandError(
            f"Routes excluded as POST only answer GET: {', '.join(pages)}; measure them."
        )


def middle(queryset: QuerySet[M], what: str) -> M:
    """The record in the middle of the queryset by primary key: neither the first rows,
    which a database finds soonest, nor an edge case."""
    count = queryset.count()
    if not count:
        raise CommandError(
            f"The database holds no {what}, which a page needs: generate the scale data "
            f"(generate_scale_data) into an empty database."
        )
    return queryset.order_by("pk")[count // 2]


def url(route: str, query: dict | None = None, **kwargs) -> str:
    return reverse(route, kwargs=kwargs or None) + (f"?{urlencode(query)}" if query else "")


def pages() -> list[Page]:
    """The pages, in their default view where they have one. The first eight keep the
    labels and parameters of the benchmark's earlier runs, so figures compare."""
    grant = middle(OptionGrant.objects.all(), "grants")
    # A grant awaiting approval if there is one (small data sets may have none).
    awaiting = OptionGrant.objects.awaiting_approval()
    waiting = middle(awaiting, "grants") if awaiting.exists() else grant
    person = middle(Person.objects.all(), "people")
    left = middle(Person.objects.filter(terminated_on__isnull=False), "people who left")
    record = middle(OfficerYear.objects.all(), "officers' yearly records")
    award = middle(StockAward.objects.all(), "restricted stock awards")
    change = middle(Change.objects.all(), "change history")
    grants = OptionGrant.objects.filter(grant_date__lte="2020-06-30").count()
    deep = max(1, grants // GRANTS_PER_PAGE // 2)
    page = [
        Page("dashboard", "workspace:home", url("workspace:home")),
        Page("grants list", "grants:list", url("grants:list", {"as_of": "2020-06-30"})),
        Page(
            "grants list, deep page",
            "grants:list",
            url("grants:list", {"as_of": "2020-06-30", "page": deep}),
        ),
        Page(
            "grant page",
            "grants:detail",
            url("grants:detail", {"as_of": "2020-06-30"}, pk=grant.pk),
        ),
        Page(
            "officer review",
            "workspace:review",
            url("workspace:review", {"year": 2020, "price": 25}),
        ),
    ]
    # The reports measured since the first runs, under their first labels.
    for label, name, params in (
        ("402(f) report", "outstanding-equity-awards", {"as_of": "2020-12-31"}),
        ("plan pool report", "plan-pool", {"as_of": "2020-12-31"}),
        ("vesting schedule, all", "vesting-schedule", None),
    ):
        page.append(Page(label, "reports:report", url("reports:report", params, name=name)))
    # Sorting on a computed column computes every grant's figures before paging: it is
    # measured, to be seen, but a list of every grant at once is not held to the targets.
    page.append(
        Page(
            "grants list, sorted by vested",
            "grants:list",
            url("grants:list", {"as_of": "2020-06-30", "sort": "vested"}),
            targets=False,
        )
    )
    for report in REPORTS:
        if report not in ("outstanding-equity-awards", "plan-pool", "vesting-schedule"):
            page.append(
                Page(
                    f"report: {REPORTS[report].title}",
                    "reports:report",
                    url("reports:report", name=report),
                )
            )
    page += [
        Page("reports index", "reports:index", url("reports:index")),
        Page("proxy package", "reports:proxy-package", url("reports:proxy-package")),
        Page("roster", "compensation:roster", url("compensation:roster")),
        Page("person page", "compensation:person", url("compensation:person", pk=person.pk)),
        Page("add officer", "compensation:officer-add", url("compensation:officer-add")),
        Page("add person", "compensation:person-add", url("compensation:person-add")),
        Page(
            "edit person", "compensation:person-edit", url("compensation:person-edit", pk=person.pk)
        ),
        Page(
            "propose next year",
            "compensation:record-add",
            url("compensation:record-add", pk=record.person_id),
        ),
        Page(
            "edit officer record",
            "compensation:record-edit",
            url("compensation:record-edit", pk=record.pk),
        ),
        Page("approve salary", "compensation:approve", url("compensation:approve", pk=record.pk)),
        Page(
            "approve bonus",
            "compensation:approve-bonus",
            url("compensation:approve-bonus", pk=record.pk),
        ),
        Page("footnotes", "compensation:footnotes", url("compensation:footnotes")),
        Page("add footnote", "compensation:footnote-add", url("compensation:footnote-add")),
        Page(
            "edit footnote",
            "compensation:footnote-edit",
            url("compensation:footnote-edit", pk=middle(Footnote.objects.all(), "footnotes").pk),
        ),
        Page(
            "person names (JSON)",
            "compensation:person-names",
            url("compensation:person-names", {"q": person.name[:10]}),
        ),
        Page("approvals", "workspace:approvals", url("workspace:approvals")),
        Page("imports page", "workspace:import", url("workspace:import")),
        Page("history", "workspace:history", url("workspace:history")),
        Page(
            "record history",
            "workspace:object-history",
            url(
                "workspace:object-history",
                model=change.record_type.split(".")[1],
                pk=change.object_id,
            ),
        ),
        Page("new grant", "grants:create", url("grants:create")),
        Page("edit grant", "grants:edit", url("grants:edit", pk=grant.pk)),
        Page("approve grant", "grants:approve", url("grants:approve", pk=waiting.pk)),
        Page("exercise form", "grants:exercise", url("grants:exercise", pk=grant.pk)),
        Page(
            "exercise terms (JSON)",
            "grants:exercise-terms",
            url("grants:exercise-terms", {"on": "2020-06-30"}, pk=grant.pk),
        ),
        Page(
            "reverse exercise",
            "grants:exercise-reverse",
            url(
                "grants:exercise-reverse",
                pk=middle(Exercise.objects.all(), "exercises").pk,
            ),
        ),
        Page("awards", "grants:awards", url("grants:awards")),
        Page("new award", "grants:award-create", url("grants:award-create")),
        Page("award page", "grants:award", url("grants:award", pk=award.pk)),
        Page("edit award", "grants:award-edit", url("grants:award-edit", pk=award.pk)),
        Page("approve award", "grants:award-approve", url("grants:award-approve", pk=award.pk)),
        Page("vestings to confirm", "grants:vestings", url("grants:vestings")),
        Page("plans", "grants:plans", url("grants:plans")),
        Page("add plan", "grants:plan-add", url("grants:plan-add")),
        Page(
            "edit plan",
            "grants:plan-edit",
            url("grants:plan-edit", pk=middle(StockPlan.objects.all(), "plans").pk),
        ),
        Page("termination", "grants:termination", url("grants:termination", pk=person.pk)),
        Page(
            "withdraw termination",
            "grants:termination-withdraw",
            url("grants:termination-withdraw", pk=left.pk),
        ),
        Page("issuer", "grants:issuer", url("grants:issuer")),
        Page("prices", "grants:prices", url("grants:prices")),
        Page("add price", "grants:price-add", url("grants:price-add")),
        Page(
            "edit price",
            "grants:price-edit",
            url("grants:price-edit", pk=middle(StockPrice.objects.all(), "prices").pk),
        ),
        Page("registration periods", "grants:registration", url("grants:registration")),
        Page("add registration period", "grants:registration-add", url("grants:registration-add")),
        Page(
            "edit registration period",
            "grants:registration-edit",
            url(
                "grants:registration-edit",
                pk=middle(RegistrationPeriod.objects.all(), "registration periods").pk,
            ),
        ),
        Page("valuation defaults", "grants:valuations", url("grants:valuations")),
        Page("add valuation defaults", "grants:valuation-add", url("grants:valuation-add")),
    ]
    defaults = middle(ValuationDefaults.objects.all(), "valuation defaults")
    # Approved defaults are changed only after reopening them: the edit page redirects.
    proposed = middle(
        ValuationDefaults.objects.filter(approved_at__isnull=True), "proposed valuation defaults"
    )
    page += [
        Page("valuation year", "grants:valuation", url("grants:valuation", pk=defaults.pk)),
        Page(
            "edit valuation defaults",
            "grants:valuation-edit",
            url("grants:valuation-edit", pk=proposed.pk),
        ),
        Page("account security", "security", url("security")),
        Page("two-factor setup", "two-factor-setup", url("two-factor-setup")),
        Page(floor_label(), FLOOR_ROUTE, url(FLOOR_ROUTE)),
    ]
    return page


def floor_label() -> str:
    """The floor: the cheapest page a signed-in user is served. The two-factor code page
    renders the base template around a one-field form and reads nothing of its own, so
    its cost is the session, the user and their permissions, the middleware and the base
    template, which every page pays. An existing page is used rather than one added for
    the benchmark: a route served only while benchmarking would need a second URLconf,
    and Django caches the URLconf the pages are resolved through."""
    return "two-factor code page (floor)"


def measure(client: Client, listed: list[Page], requests: int, rounds: int, stream) -> dict:
    """Each page's figures: its queries, its p50 and p95 over `requests` timed requests,
    its SQL alone, and its first request after a change.

    The timed requests are taken in `rounds` passes over all the pages, a share of each
    page's requests in each pass, not all of a page's requests in one go: a page's 20
    requests take a fraction of a second, and a second of the machine's noise (another
    process, the host) falling on them would move the whole page's median. Spread over
    every pass, each page's median is taken from the whole run, as every other page's is,
    and one noisy moment moves at most a pass's share of any page's requests."""
    rounds = min(rounds, requests)
    shares = [requests // rounds + (i < requests % rounds) for i in range(rounds)]
    steps = len(listed) * (rounds + 2)
    with progress_steps(total=steps, desc="pages measured", unit="steps", stream=stream) as step:
        captured = {}
        for page in listed:
            captured[page.label] = counted_queries(client, page)
            step(1)
        timings: dict[str, list[float]] = {page.label: [] for page in listed}
        for share in shares:
            for page in listed:
                # Untimed, as before the first pass: a page's kept figures may have left
                # the cache's least recently used entries while the others were measured.
                client.get(page.url)
                for _ in range(share):
                    start = time.perf_counter()
                    client.get(page.url)
                    timings[page.label].append((time.perf_counter() - start) * 1000)
                step(1)
        measured = {}
        # Last, as each makes a new data version token, which retires every page's kept
        # figures.
        for page in listed:
            measured[page.label] = figures(
                client, page, captured[page.label], timings[page.label], requests
            )
            step(1)
    return measured


def counted_queries(client: Client, page: Page) -> list[dict]:
    """The page's queries on a request after two that warm its caches and connections."""
    for _ in range(2):
        status = client.get(page.url).status_code
        if status != 200:
            raise CommandError(f"{page.label}: {page.url} answered {status}, not 200.")
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        client.get(page.url)
    # Copied now: Django clears the query log when the next request starts.
    return list(queries.captured_queries)


def figures(
    client: Client, page: Page, captured: list[dict], timings: list[float], requests: int
) -> dict:
    # A page may serve figures kept under the data version (core/data_version.py), as
    # every request after the first does until the company's data changes: its first
    # request after a change is measured too, with a new token as a write would make.
    first = []
    for _ in range(FIRST_REQUESTS):
        new_token()
        with CaptureQueriesContext(connection) as first_queries:
            start = time.perf_counter()
            client.get(page.url)
            first.append((time.perf_counter() - start) * 1000)
    reads = [q["sql"] for q in captured if q["sql"].startswith(("SELECT", "DECLARE"))]
    result = {
        "url": page.url,
        "queries": len(captured),
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(percentile(timings, 0.95), 1),
        "all_sql_ms": round(sql_time(reads, requests), 2),
        "first_ms": round(statistics.median(first), 1),
        "first_queries": len(first_queries.captured_queries),
    }
    if not page.targets:
        result["targets"] = False
    return result


def sql_time(statements: list[str], repeat: int) -> float:
    """Median milliseconds for the database to run the statements and return their rows,
    one after another: the page's reads without Python. A server-side cursor (DECLARE,
    from iterator()) is read as the page reads it: its first chunk of CURSOR_CHUNK rows,
    the largest chunk the project's iterators ask for."""
    if not statements:
        return 0.0
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
