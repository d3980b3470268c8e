"""The data version (core/data_version.py): the database changes its token on every write
to the company's data, however it is written, and a figure kept under the token is
computed again after any such write, never served for other data."""

from datetime import date

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from compensation.models import Person
from core import bulk
from core.data_version import (
    KeptCountPaginator,
    current_token,
    kept,
    kept_count,
    tracked_tables,
)
from grants.models import Exercise, StockPlan
from reports.definitions import REPORTS
from tests.factories import PersonFactory, RegistrationPeriodFactory, make_grant

# Committed writes: on PostgreSQL the token changes when a transaction that wrote commits,
# and a transaction that has written keeps no figure (its token is the one before).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def triggers_on(table: str) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
                [table],
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                [table],
            )
        return {name for (name,) in cursor.fetchall()}


def test_every_table_of_the_company_data_has_its_triggers():
    expected = {
        model._meta.db_table
        for label in ("compensation", "grants")
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
        if not model.__name__.startswith("Historical")
    }
    assert set(tracked_tables()) == expected
    assert {"grants_optiongrant", "grants_vestinginstallment", "compensation_person"} <= expected
    for table in expected:
        # PostgreSQL: the deferred one a row, the written mark a statement, and TRUNCATE;
        # SQLite: one an event.
        assert len(triggers_on(table)) == 3, table
    # History tables are written with their records: no trigger of their own.
    assert triggers_on("grants_historicaloptiongrant") == set()


def changes_token(write) -> bool:
    before = current_token()
    write()
    return current_token() != before


def test_every_kind_of_write_changes_the_token():
    plan = StockPlan.objects.create(name="Plan A", shares_reserved=1_000)
    assert current_token() is not None
    assert changes_token(lambda: StockPlan.objects.create(name="Plan B"))
    assert changes_token(lambda: StockPlan.objects.filter(pk=plan.pk).update(shares_reserved=9))
    assert changes_token(
        lambda: Person.objects.bulk_create([Person(name="Bulk One"), Person(name="Bulk Two")])
    )
    assert changes_token(lambda: Person.objects.filter(name="Bulk Two").delete())

    def raw_sql():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE grants_stockplan SET shares_reserved = 7")

    assert changes_token(raw_sql)
    # The imports' bulk insert (COPY on PostgreSQL).
    assert changes_token(lambda: bulk.insert([Person(name="Copied In")]))
    # Reading changes nothing.
    assert not changes_token(lambda: list(StockPlan.objects.all()))


def test_a_kept_figure_is_computed_once_until_a_write():
    StockPlan.objects.create(name="Plan A")
    calls = []

    def compute():
        calls.append(1)
        return StockPlan.objects.count()

    assert kept("plans", compute) == 1
    assert kept("plans", compute) == 1
    assert len(calls) == 1
    assert kept("other key", compute) == 1  # its own key
    assert len(calls) == 2
    StockPlan.objects.create(name="Plan B")
    assert kept("plans", compute) == 2
    assert len(calls) == 3


def test_a_figure_kept_in_a_rolled_back_transaction_is_never_served():
    StockPlan.objects.create(name="Plan A")
    before = current_token()
    with pytest.raises(RuntimeError), transaction.atomic():
        StockPlan.objects.create(name="Plan B")
        StockPlan.objects.create(name="Plan B2")
        assert kept("plans", StockPlan.objects.count) == 3
        raise RuntimeError("roll back")
    # The rolled-back writes leave the token as it was (SQLite's changed token is rolled
    # back with them; PostgreSQL's changes only at commit, and a transaction that has
    # written keeps nothing). The next write makes a new one: a random value, not a
    # counter that could come back to one a figure was kept under.
    assert current_token() == before
    StockPlan.objects.create(name="Plan C")
    assert kept("plans", StockPlan.objects.count) == 2


def test_a_transaction_keeps_no_figure_after_its_own_writes():
    StockPlan.objects.create(name="Plan A")
    assert kept("plans", StockPlan.objects.count) == 1
    with transaction.atomic():
        StockPlan.objects.create(name="Plan B")
        assert kept("plans", StockPlan.objects.count) == 2  # its own write counted
    assert kept("plans", StockPlan.objects.count) == 2


def test_without_a_token_nothing_is_kept():
    from core.models import DataVersion

    DataVersion.objects.all().delete()
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert kept("k", compute) == 1
    assert kept("k", compute) == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no TRUNCATE")
def test_truncate_changes_the_token():
    StockPlan.objects.create(name="Plan A")
    before = current_token()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE grants_stockplan CASCADE")
    assert current_token() not in (None, before)


def pool(on: date) -> dict:
    [row] = REPORTS["plan-pool"]({"as_of": on}).rows()
    return row


def test_the_plan_pool_is_kept_and_follows_every_entry(django_assert_num_queries):
    cache.clear()
    RegistrationPeriodFactory(start_date=date(2000, 1, 1))
    plan = StockPlan.objects.create(name="Plan", shares_reserved=100_000)
    person = PersonFactory()
    grant = make_grant(
        [(date(2011, 1, 1), 500), (date(2012, 1, 1), 500)],
        plan=plan,
        optionee=person,
        grant_date=date(2010, 1, 1),
        expiration_date=date(2020, 1, 1),
    )
    on = date(2013, 1, 1)
    assert pool(on)["granted"] == 1_000 and pool(on)["exercised"] == 0
    with django_assert_num_queries(1):  # the token; the figures are kept
        assert pool(on)["outstanding"] == 1_000
    grant.exercise(500, date(2012, 6, 1))
    assert Exercise.objects.count() == 1
    assert pool(on)["exercised"] == 500  # not the kept figure from before the exercise
    # A fact dated after the date leaves the figures as of the date as they were.
    grant.exercise(500, date(2014, 6, 1))
    assert pool(on)["exercised"] == 500
    assert pool(date(2014, 6, 1))["exercised"] == 1_000


def test_a_kept_count_is_counted_again_after_a_write(django_assert_num_queries):

    for n in range(3):
        StockPlan.objects.create(name=f"Plan {n}")
    plans = StockPlan.objects.filter(name__startswith="Plan")
    assert kept_count(plans) == 3
    assert KeptCountPaginator(plans.order_by("pk"), 2).num_pages == 2
    with django_assert_num_queries(2):  # the token, once for each
        assert kept_count(plans) == 3
        assert KeptCountPaginator(plans.order_by("pk"), 2).num_pages == 2
    StockPlan.objects.create(name="Plan 3")
    StockPlan.objects.create(name="Plan 4")
    assert kept_count(plans) == 5
    assert KeptCountPaginator(plans.order_by("pk"), 2).num_pages == 3
    assert kept_count(StockPlan.objects.filter(name="none")) == 0
    assert kept_count(StockPlan.objects.filter(pk__in=[])) == 0


def test_a_count_that_reads_a_table_outside_the_company_data_is_never_kept(
    django_user_model, django_assert_num_queries
):
    from django.db.models import Exists, OuterRef

    user = django_user_model.objects.create_user("someone")
    StockPlan.objects.create(name="Plan A", shares_reserved=user.pk)
    users = django_user_model.objects.all()
    # In the subquery too: the users' table changes no token.
    plans = StockPlan.objects.filter(Exists(users.filter(pk=OuterRef("shares_reserved"))))
    for queryset in (users, plans):
        kept_count(queryset)
        with django_assert_num_queries(1):  # counted, no token read
            assert kept_count(queryset) == 1
    django_user_model.objects.create_user("another")
    assert kept_count(users) == 2


KEPT_REPORTS = sorted(name for name, report in REPORTS.items() if "compute_rows" in vars(report))


def test_the_reports_that_keep_their_rows():
    assert KEPT_REPORTS == [
        "fair-value-assumptions",
        "option-exercises",
        "outstanding-equity-awards",
        "plan-based-awards",
        "plan-pool",
        "summary-compensation",
    ]


# Parameters for which the demo company has rows in each (as tests/test_backup.py).
DEMO_PARAMS = {
    "outstanding-equity-awards": {"as_of": "2006-12-31", "price": "5"},
    "option-exercises": {"year": 2008},  # the exercise the test records
    "plan-based-awards": {"year": 2005},
    "plan-pool": {"as_of": "2016-01-01"},
    "summary-compensation": {"year": 2006},
    "fair-value-assumptions": {"year": 2006},
}


@pytest.mark.parametrize("name", KEPT_REPORTS)
def test_a_kept_report_serves_the_same_rows_until_a_write(name, demo_data):
    from django.test.utils import CaptureQueriesContext

    from grants.models import OptionGrant

    cache.clear()
    grant = OptionGrant.objects.order_by("pk").first()
    grant.exercise(grant.minimum_exercise_shares or 1_000, date(2008, 1, 15))

    def rows_and_queries():
        # As the report's page and its exports read it.
        with CaptureQueriesContext(connection) as queries:
            report = REPORTS[name].from_data(DEMO_PARAMS[name])
            shown = (list(report.rows()), report.footnotes(), report.columns)
        return shown, len(queries.captured_queries)

    computed, queries = rows_and_queries()
    assert computed[0] and computed[1] and queries > 1  # the demo has a row in each
    # The token; the rows, the footnotes (some say what the rows found) and the columns
    # (some appear only with awards) from the cache.
    assert rows_and_queries() == (computed, 1)
    grant.notes = "Changed"
    grant.save()
    assert rows_and_queries() == (computed, queries)  # computed again


def test_a_kept_report_is_kept_per_parameter_and_per_day():
    on = REPORTS["plan-pool"]({"as_of": date(2020, 1, 1)}).figures_key()
    assert on != REPORTS["plan-pool"]({"as_of": date(2020, 1, 2)}).figures_key()
    person = PersonFactory()
    # A record by its primary key (its text need not tell two apart).
    keyed = REPORTS["plan-pool"]({"as_of": date(2020, 1, 1), "person": person})
    assert f"pk={person.pk}" in keyed.figures_key()
    assert str(timezone.localdate()) in on  # a figure may be as of today


def test_a_bulk_insert_that_ignores_conflicts_changes_the_token():
    # SQLite applies the firing statement's conflict clause (OR IGNORE here) to the
    # trigger's own statements.
    assert changes_token(
        lambda: Person.objects.bulk_create([Person(name="Someone")], ignore_conflicts=True)
    )


def test_a_count_with_raw_sql_in_it_is_never_kept():
    from django.db.models.expressions import RawSQL
    from django.test.utils import CaptureQueriesContext

    StockPlan.objects.create(name="Plan A")
    # The tables raw SQL reads cannot be told: it is counted each time.
    for plans in (
        StockPlan.objects.filter(pk__in=RawSQL("SELECT id FROM grants_stockplan", [])),
        StockPlan.objects.annotate(one=RawSQL("SELECT 1", [])),
    ):
        kept_count(plans)
        with CaptureQueriesContext(connection) as queries:
            assert kept_count(plans) == 1
        [query] = queries.captured_queries
        assert "COUNT(" in query["sql"] and "dataversion" not in query["sql"]


# Pages whose figures (or a part of their HTML) are kept under the data version, with the
# demo-free data test_a_kept_page_follows_every_write() makes for them.
KEPT_PAGES = [
    "/",
    "/grants/?as_of=2006-12-31",
    "/grants/?as_of=2006-12-31&sort=optionee&page=1",
    "/compensation/review/?year=2006&price=5",
    "/compensation/review/",
    "/grants/approvals/",
    "/compensation/officers/",
    "/compensation/officers/?year=2006&bonus_year=2006&sort=-base_salary",
]


def without_tokens(html: str) -> str:
    # Each response masks the form token anew.
    import re

    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


@pytest.mark.parametrize("url", KEPT_PAGES)
def test_a_kept_page_follows_every_write(client_for, url):
    from django.test.utils import CaptureQueriesContext

    from tests.factories import OfficerYearFactory

    cache.clear()
    person = PersonFactory(name="Before Name")
    OfficerYearFactory(person=person, fiscal_year=2006)
    make_grant(optionee=person, approved=False)
    client = client_for("committee")
    client.get("/account/")  # the session's first request renews it (a write)

    def shown() -> tuple[str, int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return without_tokens(response.content.decode()), len(queries.captured_queries)

    computed, queries = shown()
    assert "Before Name" in computed
    kept_html, kept_queries = shown()
    assert kept_html == computed and kept_queries < queries
    # Any write, here one that no model method sees, shows on the next request.
    Person.objects.filter(pk=person.pk).update(name="After Name")
    after, after_queries = shown()
    # (The dashboard's recent changes, read on every request, still name the grant as
    # it was entered.)
    assert "After Name" in after and after.count("Before Name") < computed.count("Before Name")
    assert after_queries == queries


def test_a_kept_page_is_kept_for_its_day(client_for):
    """A page kept under the data version is computed again on the next day, with no
    write: what waits for approval, for one, depends on the day (a grant whose window
    has closed is no longer approvable). An hour before midnight, then an hour after:
    well within the time a kept page may last."""
    import re
    from datetime import datetime, time, timedelta

    import time_machine
    from django.contrib.auth import get_user_model

    cache.clear()
    today = timezone.localdate()
    make_grant(
        [(today - timedelta(days=30), 1_000)],
        optionee=PersonFactory(name="Closing Today"),
        approved=False,
        grant_date=today - timedelta(days=300),
        expiration_date=today,
    )
    client = client_for("committee")
    user = get_user_model().objects.get(username="committee")
    late = timezone.make_aware(datetime.combine(today, time(23)))  # the site's time zone
    for moment, listed in ((late, True), (late + timedelta(hours=2), False)):
        with time_machine.travel(moment, tick=False):
            client.force_login(user)  # a session lasts half an hour
            # (The dashboard's recent changes name the grant too, as entered.)
            for url, waiting in (
                ("/grants/approvals/", r'name="grant" value="\d+"'),
                ("/", r"<li>Grant: "),
            ):
                html = client.get(url).content.decode()
                found = re.search(f'{waiting}.*?<a href="[^"]+">Closing Today', html)
                assert (found is not None) is listed, (url, moment)


def test_the_kept_roster_shows_each_user_the_actions_they_may_take(client_for):
    """The roster's table is kept per set of actions: an admin's kept table, computed
    first, is not served to the committee, nor the committee's to an auditor."""
    from tests.factories import OfficerYearFactory

    cache.clear()
    OfficerYearFactory(person=PersonFactory(name="Proposed Officer"), fiscal_year=2006)
    pages = {
        role: client_for(role).get("/compensation/officers/").content.decode()
        for role in ("compadmin", "committee", "auditor")
    }
    assert ">Edit</a>" in pages["compadmin"] and "Approve salary" not in pages["compadmin"]
    assert "Approve salary" in pages["committee"] and ">Edit</a>" not in pages["committee"]
    assert "Approve salary" not in pages["auditor"] and ">Edit</a>" not in pages["auditor"]
    assert all("Proposed Officer" in page for page in pages.values())


def test_an_entry_pages_fields_are_kept_on_get_and_follow_every_write(client_for):
    """{% kept_on_get %}: the edit page's fields and installment table are written once
    for the address until a write; the tokens of the request (CSRF, the one-time
    submission token) are the request's own."""
    import re

    from django.test.utils import CaptureQueriesContext

    from grants.models import OptionGrant

    cache.clear()
    grant = make_grant(optionee=PersonFactory(name="Kept Optionee"))
    other = make_grant(optionee=PersonFactory(name="Other Optionee"))
    client = client_for("compadmin")
    client.get("/account/")  # the session's first request renews it (a write)
    address = f"/grants/{grant.pk}/edit/"

    def shown(url=address) -> tuple[str, int, str]:
        with CaptureQueriesContext(connection) as queries:
            html = client.get(url).content.decode()
        [submission] = re.findall(r'name="submission_token" value="([^"]*)"', html)
        return without_tokens(html), len(queries.captured_queries), submission

    computed, queries, first_token = shown()
    assert 'value="Kept Optionee"' in computed and 'value="10000"' in computed
    kept_html, kept_queries, second_token = shown()
    assert kept_html.replace(second_token, first_token) == computed
    assert kept_queries < queries
    # Another grant's page is its own.
    assert 'value="Other Optionee"' in shown(f"/grants/{other.pk}/edit/")[0]
    # A write no model method sees shows on the next request.
    OptionGrant.objects.filter(pk=grant.pk).update(minimum_exercise_shares=321)
    assert 'value="321"' in shown()[0]


def test_an_entry_page_posted_with_errors_is_written_anew_each_time(client_for):
    cache.clear()
    client = client_for("compadmin")
    client.get("/account/")
    for typed in ("not a number", "also wrong"):
        html = client.post("/grants/new/", {"shares": typed, "action": "save"}).content.decode()
        assert f'value="{typed}"' in html
