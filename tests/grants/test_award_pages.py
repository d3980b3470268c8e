"""The restricted stock pages (issue 15, DOMAIN.md §4): each page as each role, the awards
list as of a date, an award's page and the committee's approval."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from compensation.models import Person
from core import roles
from grants.models import AwardInstallment, AwardVesting, StockAward, StockPlan, StockPrice
from tests.factories import PersonFactory, StockPlanFactory, UserFactory, make_award
from tests.grants.conftest import ADMIN, AUDITOR, COMMITTEE, NO_ROLE, page
from tests.grants.conftest import AWARD_ROWS as ROWS

pytestmark = pytest.mark.django_db

ROLES = [COMMITTEE, ADMIN, AUDITOR, NO_ROLE]

# --- Each page as each role -------------------------------------------------------------

# page -> roles allowed to GET it; the rest get 403.
READERS = {COMMITTEE, ADMIN, AUDITOR}
GET_ALLOWED = {
    "/grants/awards/": READERS,
    "/grants/awards/{pk}/": READERS,
    "/grants/awards/new/": {ADMIN},
    "/grants/vestings/": READERS,
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", GET_ALLOWED)
def test_each_role_gets_each_award_page_as_expected(client_for, award, url, role):
    response = client_for(role).get(url.format(pk=award.pk))
    assert response.status_code == (200 if role in GET_ALLOWED[url] else 403)


@pytest.mark.parametrize("role", [COMMITTEE, AUDITOR, NO_ROLE])
def test_only_compensation_admins_create_awards_or_confirm_vestings(client_for, award, role):
    client = client_for(role)
    assert client.post("/grants/awards/new/", {}).status_code == 403
    response = client.post(
        "/grants/vestings/", {"award": award.pk, "vest_date": "2007-03-01", "shares_withheld": ""}
    )
    assert response.status_code == 403
    assert not AwardVesting.objects.exists()


APPROVAL = {"meeting": "Compensation Committee meeting of 2006-02-15", "confirm": "on"}


@pytest.mark.parametrize("role", [ADMIN, AUDITOR, NO_ROLE])
def test_only_the_committee_approves_an_award(client_for, award, role):
    assert client_for(role).post(f"/grants/awards/{award.pk}/approve/", APPROVAL).status_code == 403
    award.refresh_from_db()
    assert award.approved_at is None


def test_the_nav_and_the_grants_list_link_to_restricted_stock(client_for, award):
    for role in (COMMITTEE, AUDITOR):
        html = page(client_for(role), "/grants/")
        assert 'href="/grants/awards/"' in html and "Restricted stock" in html
    assert "/grants/awards/" not in client_for(NO_ROLE).get("/").content.decode()


# --- The list ---------------------------------------------------------------------------


def test_the_list_shows_each_award_as_of_a_date(client_for, award):
    rsu = make_award(
        [(date(2007, 6, 1), 500), (date(2008, 6, 1), 500)],
        recipient=PersonFactory(name="Rosemary Unit"),
        award_type="RSU",
        grant_date=date(2006, 6, 1),
        purchase_price=Decimal("0.50"),
    )
    client = client_for(AUDITOR)
    response = client.get("/grants/awards/?as_of=2008-03-01")
    html, table = response.content.decode(), response.context["table"]
    rows = {row.record.pk: row.record for row in table.page.object_list}
    assert (rows[award.pk].vested, rows[award.pk].unvested, rows[award.pk].forfeited) == (
        2000,
        2000,
        0,
    )
    assert (rows[rsu.pk].vested, rows[rsu.pk].unvested) == (500, 500)
    assert "Stephan B. Godevais" in html and "Rosemary Unit" in html
    assert ">RSA</abbr>" in html and ">RSU</abbr>" in html
    assert "1,000 units" in html and "4,000 shares" in html and "$0.50" in html
    assert "Awaiting approval" in html
    # An award exists from its grant date (DOMAIN.md §3).
    html = page(client, "/grants/awards/?as_of=2006-04-01")
    assert "Stephan B. Godevais" in html and "Rosemary Unit" not in html


def test_the_list_shows_forfeited_shares_only_from_the_end_of_service(client_for, award):
    Person.objects.filter(pk=award.recipient_id).update(
        terminated_on=date(2008, 6, 30), termination_reason="other"
    )
    client = client_for(COMMITTEE)
    before = (
        client.get("/grants/awards/?as_of=2008-06-29").context["table"].page.object_list[0].record
    )
    after = (
        client.get("/grants/awards/?as_of=2008-07-01").context["table"].page.object_list[0].record
    )
    assert (before.vested, before.unvested, before.forfeited) == (2000, 2000, 0)
    assert (after.vested, after.unvested, after.forfeited) == (2000, 0, 2000)
    # Sorting on a computed column computes every row: the same figures.
    table = client.get("/grants/awards/?as_of=2008-07-01&sort=-forfeited").context["table"]
    assert table.page.object_list[0].record.forfeited == 2000


def test_the_list_filters_by_kind_plan_and_name(client_for, award):
    other_plan = StockPlanFactory(name="1990 Stock Option Plan")
    make_award(recipient=PersonFactory(name="Unit Holder"), award_type="RSU", plan=other_plan)
    client = client_for(COMMITTEE)

    def names(query: str) -> set[str]:
        rows = client.get(f"/grants/awards/?{query}").context["table"].rows
        return {row.record.recipient.name for row in rows}

    assert names("award_type=RSU") == {"Unit Holder"}
    assert names("award_type=RSA") == {"Stephan B. Godevais"}
    assert names(f"plan={other_plan.pk}") == {"Unit Holder"}
    assert names("recipient=godev") == {"Stephan B. Godevais"}
    assert names("") == {"Unit Holder", "Stephan B. Godevais"}


def many_awards(count: int) -> None:
    """`count` awards of 4 installments each, a third of their recipients terminated."""
    plan = StockPlan.objects.get_or_create(name="Bulk plan")[0]
    start = Person.objects.count()
    people = Person.objects.bulk_create(
        Person(
            name=f"Recipient {start + n:05}",
            terminated_on=date(2008, 1, 1) if n % 3 == 0 else None,
            termination_reason="other" if n % 3 == 0 else "",
        )
        for n in range(count)
    )
    awards = StockAward.objects.bulk_create(
        StockAward(
            plan=plan,
            recipient=person,
            award_type="RSU" if n % 2 else "RSA",
            grant_date=date(2006, 3, 1),
            shares=4000,
        )
        for n, person in enumerate(people)
    )
    AwardInstallment.objects.bulk_create(
        AwardInstallment(award=a, vest_date=day, shares=shares)
        for a in awards
        for day, shares in ROWS
    )


# The session and user (2), the user's permissions and the groups' with their names for
# the nav (2), the data version's token (1), and as computed on the first request after a
# write (the table is kept until one): the count (1), the page's rows (1), the page's
# figures as of the date (1; computed with the rows when sorted on a figure), and the
# plans of the filter (1).
LIST_QUERIES = 9


@pytest.mark.parametrize("count", [3, 30])
@pytest.mark.parametrize("query", ["", "sort=-vested", "page=1&award_type=RSU&recipient=Recip"])
def test_the_list_issues_a_fixed_number_of_queries(
    client_for, django_assert_max_num_queries, count, query
):
    many_awards(count)
    client = client_for(COMMITTEE)
    url = f"/grants/awards/?as_of=2008-06-01&{query}"
    client.get(url)  # the session's first request renews it (a write): measure after
    cache.clear()  # as on the first request after a write
    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["table"].page.object_list) == min(
        count if "RSU" not in query else count // 2, 25
    )


def test_the_list_issues_the_same_number_of_queries_for_3_and_30_awards(client_for):
    client = client_for(COMMITTEE)
    counts = []
    for added in (3, 27):
        many_awards(added)
        client.get("/grants/awards/?as_of=2008-06-01")
        cache.clear()  # as on the first request after a write
        with CaptureQueriesContext(connection) as queries:
            client.get("/grants/awards/?as_of=2008-06-01")
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]


# --- The award's page -------------------------------------------------------------------


def test_the_award_page_shows_its_terms_installments_and_confirmed_vestings(client_for, award):
    admin = client_for(ADMIN)
    award.confirm_vesting(date(2007, 3, 1), withheld=None, by=None)
    html = page(client_for(AUDITOR), f"/grants/awards/{award.pk}/?as_of=2008-03-01")
    assert "Restricted stock award" in html and "4,000 shares" in html
    assert "25% of each vesting" in html and "Not electing." in html
    assert "Carl E. Berg" in html and "waiting" in html
    # Installments with their state as of the date.
    assert html.count("<td>Vested</td>") == 2 and html.count("<td>Unvested</td>") == 2
    # The confirmed vesting: gross, withheld, net, the price used and its date, the value.
    vestings = html.split('id="vestings"')[1]
    assert "1,000" in vestings and "250" in vestings and "750" in vestings
    assert "$5.00 (2007-02-28)" in vestings and "$5,000" in vestings
    # Vested and not confirmed: a link to confirm, for admins only.
    admin_html = page(admin, f"/grants/awards/{award.pk}/")
    assert f'href="/grants/vestings/?award={award.pk}">Confirm</a>' in admin_html
    assert ">Confirm</a>" not in html


def test_the_award_page_states_the_83b_election(client_for, db):
    today = timezone.localdate()
    intends = make_award(
        [(today + timedelta(days=365), 100)],
        grant_date=today - timedelta(days=5),
        election_83b="intends",
    )
    html = page(client_for(COMMITTEE), f"/grants/awards/{intends.pk}/")
    last_day = intends.grant_date + timedelta(days=30)
    assert f"Intends to elect: the last day to file is {last_day:%Y-%m-%d}" in html
    unit = make_award(award_type="RSU", recipient=PersonFactory(name="Unit Holder"))
    assert "Not applicable: a unit" in page(client_for(COMMITTEE), f"/grants/awards/{unit.pk}/")


def test_a_price_entered_later_is_used_when_the_vesting_is_shown(client_for, award):
    award.confirm_vesting(date(2008, 3, 1), withheld=100, by=None)
    client = client_for(COMMITTEE)
    assert "$5.00 (2007-02-28)" in page(client, f"/grants/awards/{award.pk}/")
    StockPrice.objects.create(date=date(2008, 3, 1), price=Decimal("7.5000"))
    html = page(client, f"/grants/awards/{award.pk}/")
    assert "$7.50 (2008-03-01)" in html and "$7,500" in html


def test_a_vesting_with_no_price_recorded_says_so(client_for, db):
    award = make_award(withholding_rate=Decimal("0.1"))
    award.confirm_vesting(date(2007, 3, 1), withheld=None, by=None)
    html = page(client_for(COMMITTEE), f"/grants/awards/{award.pk}/")
    assert "no price recorded" in html.split('id="vestings"')[1]


# --- Approving --------------------------------------------------------------------------


def test_a_committee_member_approves_an_award_once(client_for, award):
    client = client_for(COMMITTEE)
    html = page(client, f"/grants/awards/{award.pk}/")
    assert f'href="/grants/awards/{award.pk}/approve/"' in html
    confirm = page(client, f"/grants/awards/{award.pk}/approve/")
    assert "4,000" in confirm and 'name="confirm"' in confirm  # the terms, then confirm
    assert f"<p>{award.get_award_type_display()} no. {award.pk}. Check the terms" in confirm
    unconfirmed = client.post(f"/grants/awards/{award.pk}/approve/", {"meeting": "Meeting"})
    assert (
        unconfirmed.status_code == 200
        and "Confirm that the committee" in unconfirmed.content.decode()
    )
    response = client.post(f"/grants/awards/{award.pk}/approve/", APPROVAL)
    assert response.status_code == 302 and response.url == f"/grants/awards/{award.pk}/"
    award.refresh_from_db()
    assert award.approved_by.username == "committee" and award.approved_at
    first = award.approved_at
    assert award.approval_meeting == APPROVAL["meeting"]
    assert award.history.first().history_change_reason == f"Approved at {APPROVAL['meeting']}"
    again = client.post(f"/grants/awards/{award.pk}/approve/", APPROVAL, follow=True)
    assert "already approved" in again.content.decode()
    award.refresh_from_db()
    assert award.approved_at == first
    assert "approve/" not in page(client, f"/grants/awards/{award.pk}/")


def test_approving_an_award_never_redirects_off_site(client_for, award):
    response = client_for(COMMITTEE).post(
        f"/grants/awards/{award.pk}/approve/", {**APPROVAL, "next": "https://evil.example.com/"}
    )
    assert response.url == f"/grants/awards/{award.pk}/"


def test_the_award_page_and_the_vestings_page_issue_a_fixed_number_of_queries(client_for, award):
    client = client_for(COMMITTEE)
    counts: dict[str, list[int]] = {"award": [], "vestings": []}
    for day in (date(2007, 3, 1), date(2008, 3, 1)):
        award.confirm_vesting(day, withheld=None, by=None)
        make_award(recipient=PersonFactory(name=f"Another {day.year}"))
        for name, url in (
            ("award", f"/grants/awards/{award.pk}/"),
            ("vestings", "/grants/vestings/"),
        ):
            client.get(url)
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            counts[name].append(len(queries.captured_queries))
    assert counts["award"][0] == counts["award"][1]
    assert counts["vestings"][0] == counts["vestings"][1]


def test_the_approvals_page_lists_awards_waiting_and_approves_them(client, db):
    award = make_award()
    committee = UserFactory(role=roles.COMMITTEE)
    client.force_login(committee)
    page = client.get("/grants/approvals/")
    assert award.get_absolute_url() in page.content.decode()
    response = client.post(
        f"/grants/awards/{award.pk}/approve/", {**APPROVAL, "next": "/grants/approvals/"}
    )
    assert response.status_code == 302 and response.url == "/grants/approvals/"
    award.refresh_from_db()
    assert award.approved_by == committee
    assert award.get_absolute_url() not in client.get("/grants/approvals/").content.decode()


def test_an_intended_election_past_its_last_day_is_shown_as_missed(client_for, db):
    award = make_award(grant_date=date(2006, 3, 1), election_83b="intends")
    html = page(client_for(AUDITOR), award.get_absolute_url())
    assert "Intended, not filed: the last day to file was 2006-03-31" in html
