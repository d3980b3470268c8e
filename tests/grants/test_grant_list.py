"""The grants list: vesting figures as of a date, filters, paging and sorting."""

from datetime import date

import pytest

from grants import demo
from grants.models import OptionGrant
from grants.models.service import record_end_of_service
from tests.factories import PersonFactory, RegistrationPeriodFactory, make_award, make_grant
from tests.grants.conftest import AUDITOR, COMMITTEE, many_grants

pytestmark = pytest.mark.django_db


def test_the_grants_list_shows_vesting_figures_as_of_a_date(client_for, seed_grant):
    response = client_for(AUDITOR).get("/grants/?as_of=2006-12-31")
    # The figures are read for the shown page's rows.
    [row] = [bound.record for bound in response.context["table"].page.object_list]
    assert (row.vested, row.exercisable, row.unvested) == (381_250, 381_250, 618_750)
    assert row.status == "active"
    html = response.content.decode()
    assert "381,250" in html and "618,750" in html and "2015-07-13" in html


def test_the_grants_list_filters_by_status_plan_and_person(client_for, seed_grant):
    other = make_grant(optionee=PersonFactory(name="Former Officer"))
    other.optionee.terminated_on, other.optionee.termination_reason = date(2006, 1, 1), "other"
    record_end_of_service(other.optionee)
    client = client_for(COMMITTEE)

    def names(query):
        return [g.optionee.name for g in client.get(f"/grants/?{query}").context["table"].data]

    assert names("as_of=2006-02-01&status=terminated") == ["Former Officer"]
    assert names("as_of=2006-12-31&status=expired") == ["Former Officer"]
    assert names("as_of=2006-12-31&status=active") == [demo.OPTIONEE]
    assert names("optionee=akridge") == [demo.OPTIONEE]
    assert len(names(f"plan={seed_grant.plan_id}")) == 2


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


def test_a_deep_page_shows_the_rows_of_the_ordered_list_at_its_place(client_for):
    RegistrationPeriodFactory()
    many_grants(90)
    # Grant dates shared by many grants (ties broken by the key), a few after the date.
    for grant in OptionGrant.objects.all():
        grant.grant_date = date(2005, 7, 13 + grant.pk % 4) if grant.pk % 9 else date(2007, 6, 1)
        grant.save(update_fields=["grant_date"])
    as_of = date(2007, 3, 1)
    listed = list(
        OptionGrant.objects.filter(grant_date__lte=as_of)
        .order_by("-grant_date", "pk")
        .values_list("pk", flat=True)
    )
    response = client_for(AUDITOR).get("/grants/?as_of=2007-03-01&page=3")
    page = response.context["table"].page
    assert page.paginator.count == len(listed) == 80
    assert [row.pk for row in page.object_list.data] == listed[50:75]


def test_sorting_by_a_computed_column_orders_every_row(client_for):
    RegistrationPeriodFactory()
    many_grants(30)
    response = client_for(AUDITOR).get("/grants/?as_of=2006-08-01&sort=-exercisable")
    values = [r.exercisable for r in response.context["table"].page.object_list.data]
    assert values == sorted(values, reverse=True)


def test_the_grants_list_shows_the_awards_as_of_the_date_with_their_kind(client_for, seed_grant):
    rsu = make_award(
        [(date(2007, 3, 1), 500), (date(2008, 3, 1), 500)],
        recipient=PersonFactory(name="Unit Holder"),
        grant_date=date(2006, 3, 1),
        award_type="RSU",
    )
    make_award(recipient=PersonFactory(name="Later Holder"), grant_date=date(2007, 6, 1))
    response = client_for(AUDITOR).get("/grants/?as_of=2007-12-31&optionee=Holder")
    assert [a.pk for a in response.context["awards"]] == [
        a.pk
        for a in [*response.context["awards"]]
        if a.recipient.name in {"Unit Holder", "Later Holder"}
    ]
    awards = {a.recipient.name: a for a in response.context["awards"]}
    assert (awards["Unit Holder"].vested, awards["Unit Holder"].unvested) == (500, 500)
    html = response.content.decode()
    assert 'title="Restricted stock unit">RSU</abbr>' in html and rsu.get_absolute_url() in html
    # Before its grant date an award does not exist yet (DOMAIN.md §3).
    earlier = client_for(AUDITOR).get("/grants/?as_of=2006-12-31")
    assert [a.recipient.name for a in earlier.context["awards"]] == ["Unit Holder"]
