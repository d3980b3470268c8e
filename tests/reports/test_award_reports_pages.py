"""Issue 15, restricted stock awards and units in the reports beyond the Item 402 tables:
the vesting schedule, the plan pool, the officer review and the exports, on the company of
tests/reports/conftest.py."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grants.models import OptionGrant, StockAward, StockPlan, StockPrice
from grants.models.service import record_end_of_service
from reports.definitions import REPORTS
from tests.factories import (
    make_award,
)
from tests.reports.conftest import PLAN, PRICES, officer, rows_of
from tests.reports.test_award_reports import OEA_2006
from tests.reports.test_reports import csv_rows, pdf_text, xlsx_rows

pytestmark = pytest.mark.django_db


# --- Vesting schedule ---------------------------------------------------------------------


def test_the_vesting_schedule_includes_award_installments_with_their_kind(auditor_client, company):
    rows = [r for r in csv_rows(auditor_client, "/reports/vesting-schedule/")[1:] if r]
    assert rows[0][-1] == "Option" and len(rows) == 4 + 4 + 3 + 2
    carol = [r for r in rows if r[0] == "Carol Cole"]
    assert carol == [
        ["Carol Cole", "2006-01-10", "2006-07-10", "1000", "", "1000", "2000", "RSA"],
        [
            "Carol Cole",
            "2006-01-10",
            "2007-07-10",
            "1000",
            "Forfeited (service ended 2007-01-15)",
            "",
            "2000",
            "RSA",
        ],
    ]
    bob = [(r[2], r[5], r[7]) for r in rows if r[0] == "Bob Baker"]
    assert bob == [
        ("2006-12-01", "1000", "RSU"),
        ("2007-06-01", "2000", "RSU"),
        ("2008-06-01", "3000", "RSU"),
    ]
    # Dates narrow both kinds; running totals still count from the first installment.
    narrowed = rows_of("vesting-schedule", start="2007-06-01", end="2007-12-31")
    assert [(r["name"], r["vest_date"], r["running_total"]) for r in narrowed] == [
        ("Alice Able", date(2007, 7, 13), 7_500),
        ("Bob Baker", date(2007, 6, 1), 2_000),
        ("Carol Cole", date(2007, 7, 10), None),
    ]


# --- Plan pool ------------------------------------------------------------------------------


def test_the_plan_pool_counts_awards_granted_vested_and_forfeited(auditor_client, company):
    rows = {
        r[0]: r for r in csv_rows(auditor_client, "/reports/plan-pool/?as_of=2007-06-30")[1:] if r
    }
    # Granted: 10,000 option + 4,000 + 3,000 + 2,000 award shares = 19,000. Exercised or
    # vested: 2,500 exercised; Alice 1,000, Bob 2,000, Carol 1,000 vested = 6,500.
    # Forfeited: Carol's 2007-07-10 installment (service ended 2007-01-15) = 1,000.
    # Outstanding 19,000 - 6,500 - 1,000 = 11,500; available 10,000,000 - 18,000.
    assert rows[PLAN][1:] == ["10000000", "19000", "6500", "1000", "0", "11500", "9982000"]
    plan = StockPlan.objects.get(name=PLAN)
    for on in (date(2006, 12, 31), date(2007, 6, 30), date(2011, 1, 1)):
        [pool] = [r for r in rows_of("plan-pool", as_of=on.isoformat()) if r["plan"] == PLAN]
        assert plan.shares_reserved - pool["available"] == plan.shares_in_use(on), on
    # At the 2006 year-end Carol's 2007 end of service forfeits nothing yet.
    [pool] = [r for r in rows_of("plan-pool", as_of="2006-12-31") if r["plan"] == PLAN]
    assert (pool["granted"], pool["forfeited"], pool["available"]) == (19_000, 0, 9_981_000)


# --- Officer review -------------------------------------------------------------------------


def review(client, as_of: str, price: str = "5"):
    response = client.get(f"/compensation/review/?year=2006&price={price}&as_of={as_of}")
    assert response.status_code == 200
    return response


def test_the_officer_review_values_unvested_awards_at_the_typed_price(client_for, company):
    response = review(client_for("committee"), "2006-12-31")
    officers = {o["record"].person.name: o for o in response.context["officers"]}
    alice = officers["Alice Able"]
    # Option: 5,000 unvested x (5 - 2.99) = $10,050; RSA: 4,000 x $5 = $20,000.
    assert (alice["value"], alice["award_unvested"], alice["award_value"], alice["total"]) == (
        Decimal("10050.00"),
        4_000,
        Decimal("20000"),
        Decimal("30050.00"),
    )
    assert [a["award"].award_type for a in alice["awards"]] == ["RSA"]
    assert officers["Bob Baker"]["award_value"] == Decimal("10000")  # 2,000 units x $5
    assert officers["Carol Cole"]["award_value"] == Decimal("5000")  # 1,000 x $5
    assert response.context["total_value"] == Decimal("45050.00")
    html = response.content.decode()
    assert "Restricted stock unit (RSU) of" in html and "$45,050" in html
    # As of 2007-02-01: Carol's end of service (2007-01-15) has forfeited her shares.
    later = {
        o["record"].person.name: o
        for o in review(client_for("committee"), "2007-02-01").context["officers"]
    }
    assert later["Carol Cole"]["awards"] == [] and later["Carol Cole"]["award_value"] == 0


def test_an_award_granted_after_the_date_does_not_exist_yet(client_for, company):
    make_award(
        [(date(2008, 1, 5), 500)],
        recipient=company["alice"],
        grant_date=date(2007, 1, 5),
        award_type="RSU",
    )
    oea = rows_of("outstanding-equity-awards", as_of="2006-12-31")
    assert [r["stock_unvested"] for r in oea if r["kind"] != "Option"] == [4_000, 2_000, 1_000]
    response = review(client_for("committee"), "2006-12-31")
    alice = next(o for o in response.context["officers"] if o["record"].person.name == "Alice Able")
    assert alice["award_unvested"] == 4_000


def test_the_pages_read_in_the_same_queries_whatever_the_number_of_awards(client_for, company):
    client = client_for("committee")
    urls = [
        OEA_2006,
        "/reports/plan-pool/?as_of=2007-06-30",
        "/reports/vesting-schedule/",
        "/reports/plan-based-awards/?year=2006",
        "/reports/summary-compensation/?year=2006",
        "/compensation/review/?year=2006&price=5&as_of=2006-12-31",
    ]
    client.get(urls[0])  # the session's first request renews it (a write)

    def counts() -> list[int]:
        found = []
        for url in urls:
            cache.clear()  # the figures computed, not those kept from an earlier request
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            found.append(len(queries.captured_queries))
        return found

    before = counts()
    for person in (company["alice"], company["bob"]):
        for month in (2, 4, 8):
            make_award(recipient=person, grant_date=date(2006, month, 1), award_type="RSU")
    assert counts() == before


# --- Exports --------------------------------------------------------------------------------


def test_the_award_columns_export_to_excel_and_pdf(auditor_client, company):
    sheet = xlsx_rows(auditor_client, OEA_2006)
    bob = next(r for r in sheet if r and r[0] == "Bob Baker (3)")
    assert bob[1] == "RSU" and bob[6:8] == (2000, 8000) and isinstance(bob[6], int)
    sheet = xlsx_rows(auditor_client, "/reports/summary-compensation/?year=2006")
    bob = next(r for r in sheet if r and str(r[0]).startswith("Bob Baker"))
    assert bob[4] == "not valued" and bob[7] == "not recorded"
    sheet = xlsx_rows(auditor_client, "/reports/option-exercises/?year=2007")
    alice = next(r for r in sheet if r and r[0] == "Alice Able")
    assert alice[1:5] == (2500, 3025, 1000, 4200)
    text = pdf_text(auditor_client, OEA_2006)
    assert "RSU" in text and "$8,000" in text and "2006-12-29" in text


def test_402g_counts_every_vesting_of_the_year_confirmed_or_not_and_never_a_forfeited_one(db):
    for day, price in PRICES.items():
        StockPrice.objects.create(date=day, price=Decimal(price))
    dana = officer("Dana Dunn", 120_000)
    award = make_award(
        [(date(2006, 3, 1), 1000), (date(2006, 7, 10), 1000), (date(2006, 10, 1), 1000)],
        recipient=dana,
        grant_date=date(2006, 1, 10),
        award_type="RSU",
    )
    award.confirm_vesting(date(2006, 3, 1), withheld=250, by=None)  # the others: not yet
    dana.terminated_on, dana.termination_reason = date(2006, 9, 1), "other"
    record_end_of_service(dana)  # the 2006-10-01 installment is forfeited
    [row] = REPORTS["option-exercises"].from_data({"year": 2006}).rows()
    # 1,000 x $3.00 (2006-03-01) + 1,000 x $3.50 (2006-07-10), gross: 2,000 shares, $6,500.
    assert (row["vested_shares"], row["vested_value"]) == (2000, Decimal("6500"))


def test_the_vesting_schedule_shows_one_award_chosen_by_its_number(auditor_client, company):
    award = StockAward.objects.filter(award_type="RSU").first()
    rows = list(REPORTS["vesting-schedule"].from_data({"award": award.pk}).rows())
    assert rows and {row["kind"] for row in rows} == {"RSU"}
    assert sum(row["shares"] for row in rows) == award.shares
    # A real grant's number: PostgreSQL does not reset ids between tests.
    grant = OptionGrant.objects.first()
    assert grant is not None
    page = auditor_client.get(f"/reports/vesting-schedule/?award={award.pk}&grant={grant.pk}")
    assert "Choose a grant or an award, not both." in page.content.decode()
    missing = auditor_client.get("/reports/vesting-schedule/?award=999999")
    assert "There is no award with this number." in missing.content.decode()
