"""An award from import through vesting to every report (issue 15): a file imported by
`manage.py import_data awards FILE --commit`, the committee's approval, a vesting
confirmed in the app, and every report reading it, on whichever database the suite
runs (SQLite and PostgreSQL in CI)."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from core import roles
from grants.models import AwardVesting, StockAward, StockPlan, StockPrice
from reports.definitions import REPORTS
from tests.factories import OfficerYearFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

FILE = (
    "recipient,plan,award_type,grant_date,shares,purchase_price,vest_date,vest_shares,"
    "withholding_rate\n"
    "Rae Stock,2000 Stock Option Plan,RSU,2006-03-01,3000,0,2007-03-01,1000,0.3\n"
    "Rae Stock,2000 Stock Option Plan,RSU,2006-03-01,3000,0,2008-03-01,2000,0.3\n"
)


@pytest.fixture
def imported(tmp_path, client):
    person = PersonFactory(name="Rae Stock")
    for year in (2006, 2007):
        OfficerYearFactory(person=person, fiscal_year=year, title="Vice President", approved=True)
    StockPlan.objects.create(name="2000 Stock Option Plan", shares_reserved=100_000)
    for day, price in [
        (date(2006, 3, 1), "2.0000"),
        (date(2007, 2, 28), "4.5000"),
        (date(2007, 12, 31), "5.0000"),
    ]:
        StockPrice.objects.create(date=day, price=Decimal(price))
    path = tmp_path / "awards.csv"
    path.write_text(FILE)
    out = StringIO()
    call_command("import_data", "awards", str(path), "--commit", stdout=out)
    award = StockAward.objects.get()
    # The committee approves it in the app; an admin confirms the first vesting.
    client.force_login(UserFactory(role=roles.COMMITTEE))
    client.post(
        f"/grants/awards/{award.pk}/approve/",
        {"meeting": "Compensation Committee meeting of 2006-02-15", "confirm": "on"},
    )
    client.force_login(UserFactory(role=roles.ADMINS))
    response = client.post("/grants/vestings/", {"award": award.pk, "vest_date": "2007-03-01"})
    assert response.status_code in (200, 302)
    return award


def rows_of(name: str, **params) -> list[dict]:
    return list(REPORTS[name].from_data(params).rows())


def test_an_imported_award_is_approved_vested_and_in_every_report(imported):
    award = StockAward.objects.get(pk=imported.pk)
    assert award.award_type == "RSU" and award.approved_at is not None
    [vesting] = AwardVesting.objects.all()
    # 30% of 1,000 withheld, net 700; the price used is 2007-02-28's (none on the day).
    assert (vesting.shares, vesting.shares_withheld, vesting.net_shares) == (1000, 300, 700)
    assert vesting.price_used() == (date(2007, 2, 28), Decimal("4.5000"))

    # 402(f) at 2007-12-31: 2,000 units not vested, at $5.00 = $10,000.
    outstanding = rows_of("outstanding-equity-awards", as_of=date(2007, 12, 31), price=None)
    assert any(
        "RSU" in map(str, row.values()) and 2000 in row.values() and Decimal(10000) in row.values()
        for row in outstanding
    ), outstanding
    # 402(g) 2007: 1,000 vested, value realized 1,000 x $4.50 = $4,500.
    exercises = rows_of("option-exercises", year=2007)
    assert any(1000 in row.values() and Decimal(4500) in row.values() for row in exercises), (
        exercises
    )
    # 402(d) 2006 lists the award; 402(c) 2006 values it at 3,000 x ($2.00 - $0) = $6,000.
    plan_based = rows_of("plan-based-awards", year=2006)
    assert any("RSU" in map(str, row.values()) for row in plan_based), plan_based
    [summary_2006] = [r for r in rows_of("summary-compensation", year=2006) if r["year"] == 2006]
    assert summary_2006["stock_awards"] == Decimal(6000)
    assert summary_2006["total"] == Decimal(185000) + Decimal(6000)
    # The vesting schedule and the plan pool count it.
    schedule = rows_of("vesting-schedule", grant=None, start=None, end=None)
    assert sum(1 for row in schedule if "RSU" in map(str, row.values())) == 2
    [pool] = rows_of("plan-pool", as_of=date(2007, 12, 31))
    assert pool["granted"] == 3000
    assert pool["reserved"] - pool["available"] == StockPlan.objects.get().shares_in_use(
        date(2007, 12, 31)
    )
