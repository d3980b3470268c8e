"""The equity screens: each page per role, fixed query counts, and forms that refuse bad
input with the rule's name and save nothing."""

from datetime import date
from decimal import Decimal

import pytest

from compensation.models import Person
from core.submissions import new_token
from grants import demo
from grants.models import Exercise, OptionGrant, RegistrationPeriod, StockPrice
from tests.factories import (
    OfficerYearFactory,
    PersonFactory,
    RegistrationPeriodFactory,
    StockPlanFactory,
    make_grant,
)

pytestmark = pytest.mark.django_db

COMMITTEE, ADMIN, AUDITOR, NO_ROLE = "committee", "compadmin", "auditor", ""
READERS = {COMMITTEE: 200, ADMIN: 200, AUDITOR: 200, NO_ROLE: 403}
ADMINS_ONLY = {COMMITTEE: 403, ADMIN: 200, AUDITOR: 403, NO_ROLE: 403}
COMMITTEE_ONLY = {COMMITTEE: 200, ADMIN: 403, AUDITOR: 403, NO_ROLE: 403}


@pytest.fixture
def seed_grant(db):
    RegistrationPeriodFactory(start_date=demo.GRANT_DATE, basis=demo.REGISTRATION_BASIS)
    return make_grant(
        demo.INSTALLMENTS,
        optionee=PersonFactory(name=demo.OPTIONEE),
        grant_date=demo.GRANT_DATE,
        expiration_date=demo.EXPIRATION,
    )


def page_urls(grant: OptionGrant) -> dict[str, tuple[str, dict]]:
    price = StockPrice.objects.get_or_create(date=date(2006, 1, 3), defaults={"price": 3})[0]
    period = RegistrationPeriod.objects.first()
    return {
        "grants": ("/grants/", READERS),
        "grant": (f"/grants/{grant.pk}/", READERS),
        "terms": (f"/grants/{grant.pk}/exercise/terms.json?on=2007-03-01", READERS),
        "review": ("/compensation/review/", READERS),
        "prices": ("/grants/prices/", READERS),
        "registration": ("/grants/registration/", READERS),
        "new grant": ("/grants/new/", ADMINS_ONLY),
        "exercise": (f"/grants/{grant.pk}/exercise/", ADMINS_ONLY),
        "termination": (f"/grants/people/{grant.optionee_id}/termination/", ADMINS_ONLY),
        "add price": ("/grants/prices/new/", ADMINS_ONLY),
        "edit price": (f"/grants/prices/{price.pk}/", ADMINS_ONLY),
        "add period": ("/grants/registration/new/", ADMINS_ONLY),
        "edit period": (f"/grants/registration/{period.pk}/", ADMINS_ONLY),
        "approvals": ("/grants/approvals/", COMMITTEE_ONLY),
    }


PAGES = [
    "grants",
    "grant",
    "terms",
    "review",
    "prices",
    "registration",
    "new grant",
    "exercise",
    "termination",
    "add price",
    "edit price",
    "add period",
    "edit period",
    "approvals",
]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", [COMMITTEE, ADMIN, AUDITOR, NO_ROLE, None])
def test_each_page_answers_each_role_as_expected(client_for, seed_grant, page, role):
    url, expected = page_urls(seed_grant)[page]
    response = client_for(role).get(url)
    if role is None:
        assert response.status_code == 302 and "/accounts/login/" in response.url
    else:
        assert response.status_code == expected[role], (page, role)


@pytest.mark.parametrize("role", [ADMIN, AUDITOR, NO_ROLE])
def test_only_the_committee_approves_a_grant(client_for, seed_grant, role):
    assert client_for(role).post(f"/grants/{seed_grant.pk}/approve/").status_code == 403
    seed_grant.refresh_from_db()
    assert seed_grant.approved_at is None


def test_a_committee_member_approves_a_grant_once(client_for, seed_grant):
    client = client_for(COMMITTEE)
    assert client.post(f"/grants/{seed_grant.pk}/approve/").status_code == 302
    seed_grant.refresh_from_db()
    assert seed_grant.approved_by.username == "committee" and seed_grant.approved_at
    first = seed_grant.approved_at
    response = client.post(f"/grants/{seed_grant.pk}/approve/", follow=True)
    assert "already approved" in response.content.decode()
    seed_grant.refresh_from_db()
    assert seed_grant.approved_at == first


def test_approval_never_redirects_off_site(client_for, seed_grant):
    response = client_for(COMMITTEE).post(
        f"/grants/{seed_grant.pk}/approve/", {"next": "https://evil.example.com/"}
    )
    assert response.url == f"/grants/{seed_grant.pk}/"


# --- pages -------------------------------------------------------------------------------


def test_the_grants_list_shows_vesting_figures_as_of_a_date(client_for, seed_grant):
    response = client_for(AUDITOR).get("/grants/?as_of=2006-12-31")
    [row] = response.context["table"].data
    assert (row.vested, row.exercisable, row.unvested) == (381_250, 381_250, 618_750)
    assert row.status == "active"
    html = response.content.decode()
    assert "381,250" in html and "618,750" in html and "2015-07-13" in html


def test_the_grants_list_filters_by_status_plan_and_person(client_for, seed_grant):
    other = make_grant(optionee=PersonFactory(name="Former Officer"))
    other.optionee.terminated_on, other.optionee.termination_reason = date(2006, 1, 1), "other"
    other.optionee.save()
    client = client_for(COMMITTEE)

    def names(query):
        return [g.optionee.name for g in client.get(f"/grants/?{query}").context["table"].data]

    assert names("as_of=2006-02-01&status=terminated") == ["Former Officer"]
    assert names("as_of=2006-12-31&status=expired") == ["Former Officer"]
    assert names("as_of=2006-12-31&status=active") == [demo.OPTIONEE]
    assert names("optionee=akridge") == [demo.OPTIONEE]
    assert len(names(f"plan={seed_grant.plan_id}")) == 2


def test_a_bad_as_of_date_is_reported_not_guessed(client_for, seed_grant):
    response = client_for(COMMITTEE).get(f"/grants/{seed_grant.pk}/?as_of=2007-02-30")
    assert "Enter a valid date" in response.content.decode()


def many_grants(count: int) -> None:
    """`count` grants of 4 installments each, a third of them terminated, in bulk."""
    from grants.models import VestingInstallment

    plan = StockPlanFactory()
    start = Person.objects.count()
    people = Person.objects.bulk_create(
        Person(
            name=f"Optionee {start + n:05}",
            terminated_on=date(2007, 1, 1) if n % 3 == 0 else None,
            termination_reason="other" if n % 3 == 0 else "",
        )
        for n in range(count)
    )
    grants = []
    for person in people:
        grant = OptionGrant(
            plan=plan,
            optionee=person,
            grant_date=date(2005, 7, 13),
            shares=10_000,
            exercise_price=Decimal("2.99"),
            expiration_date=date(2015, 7, 13),
        )
        grant.apply_plan_defaults()
        grant.deadline = grant.deadline_explained([]).day
        grants.append(grant)
    grants = OptionGrant.objects.bulk_create(grants)
    VestingInstallment.objects.bulk_create(
        VestingInstallment(grant=g, vest_date=date(2006 + k, 7, 13), shares=2500)
        for g in grants
        for k in range(4)
    )


@pytest.mark.parametrize(
    ("role", "url", "fixed_size"),
    [
        (COMMITTEE, "/grants/?as_of=2007-01-01", False),
        (COMMITTEE, "/grants/?as_of=2007-01-01&page=2&sort=-exercisable", False),
        (COMMITTEE, "/", False),
        (COMMITTEE, "/compensation/review/?year=2006&price=5", False),
        (COMMITTEE, "/grants/{grant}/?as_of=2007-01-01", False),
        (COMMITTEE, "/reports/outstanding-equity-awards/?as_of=2006-12-31", False),
        (COMMITTEE, "/reports/plan-pool/?as_of=2010-12-31", False),
        (COMMITTEE, "/reports/vesting-schedule/", False),
        (COMMITTEE, "/grants/approvals/", False),
        # Forms: nothing in them may grow with the number of grants or people.
        (COMMITTEE, "/reports/", True),
        (ADMIN, "/grants/new/", True),
    ],
)
def test_a_page_issues_the_same_number_of_queries_for_10_and_500_grants(
    client_for, role, url, fixed_size
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(role)
    RegistrationPeriodFactory()
    for n in range(5):
        OfficerYearFactory(person=PersonFactory(name=f"Optionee {n:04}"), fiscal_year=2006)
    first = 30 if "page=2" in url else 10  # a second page needs more than 25 grants
    many_grants(first)
    url = url.format(grant=OptionGrant.objects.order_by("pk").first().pk)
    client.get(url)  # the session's first request renews it (a write): measure after
    with CaptureQueriesContext(connection) as small:
        small_page = client.get(url)
    many_grants(500 - first)  # and as many more people
    with CaptureQueriesContext(connection) as large:
        large_page = client.get(url)
    assert small_page.status_code == large_page.status_code == 200
    assert len(small.captured_queries) == len(large.captured_queries), url
    assert len(large.captured_queries) <= 15
    if fixed_size:  # (a second plan from many_grants adds one short option)
        assert len(large_page.content) - len(small_page.content) < 200, url


def test_the_grant_page_explains_a_registration_gap_deadline(client_for, seed_grant):
    RegistrationPeriod.objects.update(end_date=date(2007, 3, 1))
    RegistrationPeriod.objects.create(start_date=date(2007, 4, 1), basis="Form S-8 refiled")
    person = seed_grant.optionee
    person.terminated_on, person.termination_reason = date(2007, 2, 1), "other"
    person.save()
    html = client_for(AUDITOR).get(f"/grants/{seed_grant.pk}/?as_of=2007-03-15").content.decode()
    assert (
        "Service ended 2007-02-01 (other). Shares were unregistered 2007-03-02 to 2007-03-31, "
        "so the window runs until 2007-05-31 - paragraph 5(b)(iii)"
    ) in html
    assert "<svg" in html and 'class="series"' in html
    assert "Forfeited" in html


def test_the_grant_page_shows_installments_with_running_totals(client_for, seed_grant):
    response = client_for(COMMITTEE).get(f"/grants/{seed_grant.pk}/?as_of=2006-12-31")
    rows = response.context["installments"]
    assert [r["running"] for r in rows][-1] == 1_000_000
    assert [r["state"] for r in rows][:3] == ["Vested", "Vested", "Vested"]
    assert rows[3]["state"] == "Unvested"
    assert response.context["figures"]["Exercisable"] == 381_250


def test_the_officer_review_values_unvested_options_at_a_typed_price(client_for, seed_grant):
    OfficerYearFactory(person=seed_grant.optionee, fiscal_year=2006, base_salary=250_000)
    client = client_for(COMMITTEE)
    response = client.get("/compensation/review/?year=2006&price=5&as_of=2006-12-31")
    [officer] = response.context["officers"]
    # (5.00 - 2.99) x 618,750 unvested shares
    assert officer["value"] == Decimal("1243687.50")
    assert "$1,243,687.50" in response.content.decode()
    at_the_money = client.get("/compensation/review/?year=2006&price=2.99&as_of=2006-12-31")
    assert at_the_money.context["officers"][0]["value"] == 0


def test_the_officer_review_defaults_to_the_latest_price_and_the_year_end(client_for, seed_grant):
    OfficerYearFactory(person=seed_grant.optionee, fiscal_year=2006, base_salary=250_000)
    StockPrice.objects.create(date=date(2006, 12, 29), price=Decimal("4.00"))
    response = client_for(AUDITOR).get("/compensation/review/")
    assert response.context["price"] == Decimal("4.00")
    assert response.context["as_of"] == date(2006, 12, 31)
    assert response.context["officers"][0]["value"] == Decimal("1.01") * 618_750


def test_the_officer_review_refuses_a_negative_price(client_for, seed_grant):
    response = client_for(COMMITTEE).get("/compensation/review/?year=2006&price=-1")
    assert "greater than or equal to 0" in response.content.decode()
    assert response.context["officers"] == []


# --- forms ---------------------------------------------------------------------------------


def test_the_exercise_form_refuses_below_the_minimum_and_saves_nothing(client_for, seed_grant):
    url = f"/grants/{seed_grant.pk}/exercise/"
    data = {"exercise_date": "2007-03-01", "shares": "999", "payment_method": "cash"}
    response = client_for(ADMIN).post(url, {**data, "submission_token": new_token()})
    assert response.status_code == 200
    assert "Below the minimum" in response.content.decode()
    assert Exercise.objects.count() == 0


@pytest.mark.parametrize(
    ("shares", "on", "message"),
    [
        ("1000.5", "2007-03-01", "Whole shares only"),
        ("0", "2007-03-01", "must be positive"),
        ("ten", "2007-03-01", "must be a whole number"),
        ("", "2007-03-01", "This field is required"),
        ("2000000000", "2007-03-01", "More than exercisable"),
        ("1000", "2015-07-14", "After the deadline"),
        ("1000", "2005-07-12", "Before the grant"),
        ("1000", "13/01/2007", "Enter a valid date"),
    ],
)
def test_every_exercise_refusal_names_its_rule(client_for, seed_grant, shares, on, message):
    response = client_for(ADMIN).post(
        f"/grants/{seed_grant.pk}/exercise/",
        {
            "exercise_date": on,
            "shares": shares,
            "payment_method": "cash",
            "submission_token": new_token(),
        },
    )
    assert message in response.content.decode()
    assert Exercise.objects.count() == 0


def test_an_unregistered_day_is_refused_on_the_exercise_form(client_for, seed_grant):
    RegistrationPeriod.objects.update(end_date=date(2007, 2, 1))
    response = client_for(ADMIN).post(
        f"/grants/{seed_grant.pk}/exercise/",
        {
            "exercise_date": "2007-03-01",
            "shares": "1000",
            "payment_method": "cash",
            "submission_token": new_token(),
        },
    )
    assert "Not registered" in response.content.decode()
    assert Exercise.objects.count() == 0


def test_a_valid_exercise_is_recorded_and_exercisable_drops(client_for, seed_grant):
    client = client_for(ADMIN)
    response = client.post(
        f"/grants/{seed_grant.pk}/exercise/",
        {
            "exercise_date": "2007-03-01",
            "shares": "10,000",
            "payment_method": "check",
            "submission_token": new_token(),
        },
        follow=True,
    )
    assert "Recorded the exercise of 10,000 shares" in response.content.decode()
    assert response.context["figures"]["Exercisable"] == 437_500 - 10_000


def test_the_exercise_terms_endpoint_reports_the_grants_figures(client_for, seed_grant):
    data = client_for(ADMIN).get(f"/grants/{seed_grant.pk}/exercise/terms.json?on=2006-12-31")
    assert data.json()["exercisable"] == 381_250
    assert data.json()["minimum"] == 1000
    bad = client_for(ADMIN).get(f"/grants/{seed_grant.pk}/exercise/terms.json?on=2006-02-30")
    assert bad.status_code == 400


def new_grant_data(plan, person, rows, **changes):
    data = {
        "plan": plan.pk,
        "optionee": person.name,
        "option_type": "NSO",
        "grant_date": "2005-07-13",
        "shares": "1000000",
        "exercise_price": "2.99",
        "expiration_date": "2015-07-13",
        "installments-TOTAL_FORMS": str(len(rows)),
        "installments-INITIAL_FORMS": "0",
        "schedule-start": "2005-07-13",
        "schedule-immediate_shares": "100000",
        "schedule-cliff_months": "12",
        "schedule-cliff_shares": "225000",
        "schedule-installments": "12",
        "schedule-interval_months": "3",
        "schedule-allocation": "CUMULATIVE_ROUND_DOWN",
        "action": "save",
        "submission_token": new_token(),
    }
    for n, (day, shares) in enumerate(rows):
        data[f"installments-{n}-vest_date"] = str(day)
        data[f"installments-{n}-shares"] = str(shares)
    data.update(changes)
    return data


def test_the_new_grant_form_generates_the_seed_table_without_saving(client_for, db):
    plan, person = StockPlanFactory(), PersonFactory()
    response = client_for(ADMIN).post(
        "/grants/new/", new_grant_data(plan, person, [], action="generate")
    )
    rows = [f.initial for f in response.context["formset"]]
    assert [(r["vest_date"], r["shares"]) for r in rows] == demo.INSTALLMENTS
    assert OptionGrant.objects.count() == 0


def test_the_new_grant_form_saves_typed_installments(client_for, db):
    plan, person = StockPlanFactory(), PersonFactory()
    response = client_for(ADMIN).post(
        "/grants/new/", new_grant_data(plan, person, demo.INSTALLMENTS)
    )
    grant = OptionGrant.objects.get()
    assert response.status_code == 302 and response.url == f"/grants/{grant.pk}/"
    assert grant.installment_rows() == demo.INSTALLMENTS
    assert grant.minimum_exercise_shares == 1000  # the plan's default


@pytest.mark.parametrize(
    ("rows", "changes", "message"),
    [
        (demo.INSTALLMENTS[:-1], {}, "add up to 943,750 shares, not the grant&#x27;s 1,000,000"),
        ([(date(2005, 7, 12), 1_000_000)], {}, "vests before the grant date"),
        (demo.INSTALLMENTS, {"expiration_date": "2015-07-14"}, "must expire by 2015-07-13"),
        (demo.INSTALLMENTS, {"shares": "-5"}, "greater than or equal to"),
        (demo.INSTALLMENTS, {"exercise_price": "abc"}, "Enter a number"),
        (demo.INSTALLMENTS, {"grant_date": "2005-13-01"}, "Enter a valid date"),
        ([], {}, "at least one vesting installment"),
    ],
)
def test_the_new_grant_form_refuses_bad_terms_and_saves_nothing(
    client_for, db, rows, changes, message
):
    plan, person = StockPlanFactory(), PersonFactory()
    response = client_for(ADMIN).post("/grants/new/", new_grant_data(plan, person, rows, **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert OptionGrant.objects.count() == 0


def test_the_termination_form_previews_then_saves(client_for, seed_grant):
    client = client_for(ADMIN)
    url = f"/grants/people/{seed_grant.optionee_id}/termination/"
    data = {"terminated_on": "2007-02-01", "termination_reason": "death"}
    preview = client.post(url, {**data, "action": "preview"})
    [row] = preview.context["preview"]
    assert row["deadline"].day == date(2008, 8, 1)
    assert row["forfeited"] == 562_500
    assert Person.objects.get(pk=seed_grant.optionee_id).terminated_on is None
    seed_grant.refresh_from_db()
    assert seed_grant.deadline == date(2015, 7, 13)
    assert client.post(url, {**data, "action": "confirm"}).status_code == 302
    seed_grant.refresh_from_db()
    assert seed_grant.deadline == date(2008, 8, 1)


@pytest.mark.parametrize(
    "data",
    [
        {"terminated_on": "", "termination_reason": "other"},
        {"terminated_on": "2007-02-01", "termination_reason": ""},
        {"terminated_on": "2007-02-31", "termination_reason": "other"},
        {"terminated_on": "2007-02-01", "termination_reason": "retired"},
    ],
)
def test_a_bad_termination_is_refused_and_saves_nothing(client_for, seed_grant, data):
    url = f"/grants/people/{seed_grant.optionee_id}/termination/"
    response = client_for(ADMIN).post(url, {**data, "action": "confirm"})
    assert response.status_code == 200
    assert Person.objects.get(pk=seed_grant.optionee_id).terminated_on is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"date": "2006-01-03", "price": "-1"}, "greater than or equal to 0"),
        ({"date": "2006-01-03", "price": "abc"}, "Enter a number"),
        ({"date": "", "price": "3"}, "This field is required"),
        ({"date": "2005-07-13", "price": "3"}, "already exists"),
        ({"date": "2006-01-03", "price": "1234567890123"}, "no more than 12 digits"),
    ],
)
def test_bad_stock_prices_are_refused(client_for, seed_grant, data, message):
    StockPrice.objects.create(date=date(2005, 7, 13), price=Decimal("2.99"))
    response = client_for(ADMIN).post("/grants/prices/new/", data)
    assert message in response.content.decode()
    assert StockPrice.objects.count() == 1


def test_a_stock_price_is_added(client_for, db):
    response = client_for(ADMIN).post("/grants/prices/new/", {"date": "2006-01-03", "price": "3.5"})
    assert response.status_code == 302
    assert StockPrice.on(date(2006, 1, 3)) == Decimal("3.5")


def test_a_registration_period_ending_before_it_starts_is_refused(client_for, seed_grant):
    response = client_for(ADMIN).post(
        "/grants/registration/new/",
        {"start_date": "2007-04-01", "end_date": "2007-03-01", "basis": "S-8"},
    )
    assert "cannot end before it starts" in response.content.decode()
    assert RegistrationPeriod.objects.count() == 1


def test_editing_a_registration_period_moves_a_terminated_optionees_deadline(
    client_for, seed_grant
):
    person = seed_grant.optionee
    person.terminated_on, person.termination_reason = date(2007, 2, 1), "other"
    person.save()
    period = RegistrationPeriod.objects.get()
    client = client_for(ADMIN)
    client.post(
        f"/grants/registration/{period.pk}/",
        {"start_date": "2005-07-13", "end_date": "2007-03-01", "basis": "S-8"},
    )
    client.post(
        "/grants/registration/new/", {"start_date": "2007-04-01", "end_date": "", "basis": "S-8"}
    )
    seed_grant.refresh_from_db()
    assert seed_grant.deadline == date(2007, 5, 31)


@pytest.mark.parametrize("sort", ["-grant_date", "optionee", "deadline", "shares"])
def test_paging_plain_rows_gives_the_same_page_as_computing_every_row(client_for, sort):
    RegistrationPeriodFactory()
    many_grants(60)
    client = client_for(AUDITOR)
    for page in (1, 2, 3):
        fast = client.get(f"/grants/?as_of=2007-03-01&sort={sort}&page={page}")
        rows = list(fast.context["table"].page.object_list.data)
        assert len(rows) == (25 if page < 3 else 10)
        for row in rows:
            full = (
                OptionGrant.objects.with_vesting_totals(date(2007, 3, 1))
                .with_status(date(2007, 3, 1))
                .get(pk=row.pk)
            )
            assert (row.vested, row.exercisable, row.unvested, row.status) == (
                full.vested,
                full.exercisable,
                full.unvested,
                full.status,
            )
    names = [
        r.optionee.name
        for p in (1, 2, 3)
        for r in client.get(f"/grants/?sort=optionee&page={p}")
        .context["table"]
        .page.object_list.data
    ]
    assert names == sorted(names) and len(set(names)) == 60


def test_sorting_by_a_computed_column_orders_every_row(client_for):
    RegistrationPeriodFactory()
    many_grants(30)
    response = client_for(AUDITOR).get("/grants/?as_of=2006-08-01&sort=-exercisable")
    values = [r.exercisable for r in response.context["table"].page.object_list.data]
    assert values == sorted(values, reverse=True)


def test_the_optionee_is_typed_by_name_with_suggestions(client_for, seed_grant):
    admin = client_for(ADMIN)
    person = PersonFactory(name="Roger A. Williams")
    PersonFactory(name="Rogers Hardware")
    names = admin.get("/compensation/people/names.json?q=  ROGER  a.").json()["names"]
    assert names == ["Roger A. Williams"]
    assert admin.get("/compensation/people/names.json?q=").json() == {"names": []}
    page = admin.get("/grants/new/").content.decode()
    assert 'list="optionee-suggestions"' in page and '<datalist id="optionee-suggestions">' in page
    assert "person_search.js" in page
    # The case and extra spaces need not match; an unknown name is refused by name.
    plan = seed_grant.plan
    rows = [(date(2007, 1, 1), 1000)]
    data = new_grant_data(plan, person, rows, shares="1000")
    before = OptionGrant.objects.count()
    response = admin.post("/grants/new/", {**data, "optionee": "No Such Person"})
    assert "No one named “No Such Person” is on record" in response.content.decode()
    assert OptionGrant.objects.count() == before
    response = admin.post("/grants/new/", {**data, "optionee": "  roger a.  WILLIAMS "})
    assert response.status_code == 302
    assert OptionGrant.objects.latest("pk").optionee == person


def test_prices_and_registration_periods_list_with_edit_links_for_admins_only(client_for, db):
    period = RegistrationPeriodFactory(start_date=date(2005, 7, 13), end_date=None)
    price = StockPrice.objects.create(date=date(2006, 12, 29), price=Decimal("2.1"))
    admin_prices = client_for(ADMIN).get("/grants/prices/").content.decode()
    assert "2006-12-29" in admin_prices and "$2.10" in admin_prices
    assert f'href="/grants/prices/{price.pk}/">Edit</a>' in admin_prices
    committee_prices = client_for(COMMITTEE).get("/grants/prices/").content.decode()
    assert "2006-12-29" in committee_prices and ">Edit</a>" not in committee_prices
    periods = client_for(ADMIN).get("/grants/registration/").content.decode()
    assert "2005-07-13" in periods and "in effect" in periods
    assert f'href="/grants/registration/{period.pk}/">Edit</a>' in periods
    assert ">Edit</a>" not in client_for(AUDITOR).get("/grants/registration/").content.decode()


def test_the_approvals_queue_pages_oldest_first_and_approving_returns_to_the_page(client_for):
    many_grants(60)
    client = client_for(COMMITTEE)
    first = client.get("/grants/approvals/")
    assert len(first.context["grants"]) == 50 and first.context["grants"].paginator.count == 60
    assert "Page 1 of 2" in first.content.decode()
    dates = [g.grant_date for g in first.context["grants"]]
    assert dates == sorted(dates)
    second = client.get("/grants/approvals/?page=2")
    assert len(second.context["grants"]) == 10
    grant = second.context["grants"][0]
    response = client.post(f"/grants/{grant.pk}/approve/", {"next": "/grants/approvals/?page=2"})
    assert response.status_code == 302 and response.url == "/grants/approvals/?page=2"
    grant.refresh_from_db()
    assert grant.approved_at is not None
    assert client.get("/grants/approvals/").context["grants"].paginator.count == 59


def test_a_resubmitted_exercise_form_records_one_exercise(client_for, seed_grant):
    client = client_for(ADMIN)
    page = client.get(f"/grants/{seed_grant.pk}/exercise/")
    token = page.context["submission_token"]
    data = {
        "exercise_date": "2007-03-01",
        "shares": "10000",
        "payment_method": "cash",
        "submission_token": token,
    }
    assert client.post(f"/grants/{seed_grant.pk}/exercise/", data).status_code == 302
    again = client.post(f"/grants/{seed_grant.pk}/exercise/", data)
    assert "already submitted" in again.content.decode()
    assert Exercise.objects.count() == 1
    forged = client.post(
        f"/grants/{seed_grant.pk}/exercise/", {**data, "submission_token": "made-up"}
    )
    assert "reload the page" in forged.content.decode()
    assert Exercise.objects.count() == 1


def test_a_resubmitted_new_grant_form_creates_one_grant(client_for, db):
    plan, person = StockPlanFactory(), PersonFactory(name="Twice Clicked")
    data = new_grant_data(plan, person, demo.INSTALLMENTS)
    client = client_for(ADMIN)
    assert client.post("/grants/new/", data).status_code == 302
    again = client.post("/grants/new/", data)
    assert "already submitted" in again.content.decode()
    assert OptionGrant.objects.filter(optionee=person).count() == 1
