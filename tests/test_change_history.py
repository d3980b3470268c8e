"""The change history an auditor can use (issue 17): every change in one log, paged,
searched, filtered and exported; each entry names whose record it is, the user by name,
choices by label, times in the company's time zone; a fixed number of queries a page."""

import zipfile
from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from compensation.models import OfficerYear
from grants.models import StockPrice
from tests.factories import (
    FootnoteFactory,
    OfficerYearFactory,
    PersonFactory,
    RegistrationPeriodFactory,
    UserFactory,
    make_grant,
)
from workspace import changes
from workspace.models import Change

pytestmark = pytest.mark.django_db


def test_a_grant_and_its_installments_name_the_holder():
    grant = make_grant(optionee=PersonFactory(name="Dean Bogues"))
    logged = Change.objects.filter(person="Dean Bogues")
    assert logged.filter(record_type="grants.optiongrant", action="+").count() == 1
    installments = logged.filter(record_type="grants.vestinginstallment")
    # Four installments written in bulk, each naming the grant and its holder.
    assert installments.count() == 4
    first = installments.order_by("subject").first()
    assert first.subject.startswith("Dean Bogues's option grant of 2005-07-13: installment")
    assert first.owner_type == "grants.optiongrant" and first.owner_id == grant.pk
    assert ["shares", "2,500"] in first.details


def test_an_exercise_names_the_grant_and_the_holder():
    RegistrationPeriodFactory()
    grant = make_grant(optionee=PersonFactory(name="Ann Holder"))
    grant.exercise(2500, date(2006, 8, 1))
    entry = Change.objects.get(record_type="grants.exercise")
    assert entry.subject == (
        "Ann Holder's option grant of 2005-07-13: exercise no. 1 (2,500 shares on 2006-08-01)"
    )
    assert ["payment method", "Cash"] in entry.details


def test_a_change_shows_the_user_by_name_and_choices_by_label():
    chair = UserFactory(username="chair", first_name="Carl", last_name="Berg")
    record = OfficerYearFactory(fiscal_year=2007)
    record.approve(by=chair, meeting="Meeting 2007-02-01")
    entry = Change.objects.filter(record_type="compensation.officeryear", action="~").get()
    details = {field: (old, new) for field, old, new in entry.details}
    assert details["status"] == ("Proposed", "Approved")
    assert details["approved by"] == ("", "Carl Berg")
    assert details["approval meeting"] == ("", "Meeting 2007-02-01")
    assert entry.reason == "Approved at Meeting 2007-02-01"
    assert entry.subject.endswith(": record for fiscal 2007")


def many_changes(count: int) -> None:
    start = StockPrice.objects.count()
    for n in range(start, start + count):
        StockPrice.objects.create(date=date(2001, 1, 1) + timedelta(days=n), price=n + 1)


def test_the_page_reads_the_same_number_of_queries_for_ten_or_a_hundred_changes(client_for):
    client = client_for("auditor")
    many_changes(10)
    client.get("/history/")  # the session's first request reads a little more
    with CaptureQueriesContext(connection) as few:
        assert client.get("/history/").status_code == 200
    many_changes(90)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/history/")
    assert len(many) == len(few)
    assert "100 changes" in response.content.decode()


def test_every_change_is_reachable_page_by_page(client_for):
    many_changes(120)
    client = client_for("auditor")
    seen = set()
    for number in (1, 2, 3):
        page = client.get("/history/", {"page": number}).context["page"]
        seen |= {change.pk for change in page.object_list}
    assert len(seen) == 120
    # A page number out of range or not a number shows a page, never an error.
    assert client.get("/history/", {"page": "999"}).status_code == 200
    assert client.get("/history/", {"page": "x"}).status_code == 200


def test_search_and_filters(client_for):
    make_grant(optionee=PersonFactory(name="Dean Bogues"))
    OfficerYearFactory(person=PersonFactory(name="Stephan Godevais"))
    many_changes(3)
    client = client_for("committee")
    found = client.get("/history/", {"q": "bogues"}).context["page"].object_list
    assert found and all(c.person == "Dean Bogues" for c in found)
    prices = client.get("/history/", {"kind": "grants.stockprice"}).context["page"]
    assert prices.paginator.count == 3
    added = client.get("/history/", {"action": "+", "kind": "compensation.officeryear"})
    assert added.context["page"].paginator.count == 1
    today = timezone.localdate()
    tomorrow = today + timedelta(days=1)
    future = client.get("/history/", {"start": tomorrow.isoformat()}).context["page"]
    assert future.paginator.count == 0
    bad = client.get("/history/", {"start": "2007-02-30", "q": "x" * 5000})
    assert bad.status_code == 200
    assert bad.context["form"].errors


def test_filter_by_user(client_for):
    chair = UserFactory(username="chair")
    record = OfficerYearFactory()
    record.approve(by=chair, meeting="M")
    Change.objects.filter(action="~").update(user=chair, user_name="chair")
    response = client_for("auditor").get("/history/", {"user": chair.pk})
    assert response.context["page"].paginator.count == 1


def test_csv_and_excel_exports_of_the_filtered_list(client_for):
    make_grant(optionee=PersonFactory(name="Dean Bogues"))
    many_changes(2)
    client = client_for("auditor")
    response = client.get("/history/", {"q": "Bogues", "_export": "csv"})
    text = b"".join(response.streaming_content).decode()
    lines = text.strip().splitlines()
    assert lines[0].startswith("When,Who,What was done,Kind of record,Record,Person")
    # The person, the grant and its 4 installments.
    assert len([line for line in lines if "Dean Bogues" in line]) == 6
    assert "Closing price" not in text
    workbook = client.get("/history/", {"_export": "xlsx"})
    content = b"".join(workbook.streaming_content) if workbook.streaming else workbook.content
    with zipfile.ZipFile(BytesIO(content)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "Closing price of 2001-01-01" in sheet


def test_times_are_in_the_company_time_zone_without_microseconds(client_for):
    many_changes(1)
    entry = Change.objects.get()
    html = client_for("auditor").get("/history/").content.decode()
    local = timezone.localtime(entry.at)
    assert f"{local:%Y-%m-%d %H:%M}" in html
    assert f"{entry.at:%H:%M:%S.%f}" not in html


def test_a_grants_history_includes_its_installments(client_for):
    grant = make_grant(optionee=PersonFactory(name="Dean Bogues"))
    html = client_for("auditor").get(f"/history/optiongrant/{grant.pk}/").content.decode()
    assert "installment of 2,500 shares vesting 2006-07-13" in html


def test_history_is_for_the_committee_and_auditors(client_for):
    assert client_for("compadmin").get("/history/").status_code == 403
    assert client_for("committee").get("/history/").status_code == 200


def test_the_dashboard_reads_the_same_log(client_for):
    record = OfficerYearFactory(person=PersonFactory(name="Rosemary Ewing"))
    record.approve(by=UserFactory(username="chair"), meeting="Meeting 1")
    for role in ("committee", "auditor"):
        html = client_for(role).get("/").content.decode()
        assert "changed officer&#x27;s yearly record: " in html or "changed officer" in html
        assert "Rosemary Ewing: record for fiscal 2006" in html
    assert client_for("compadmin").get("/").context.get("recent_changes") is None


def test_records_written_before_the_log_are_indexed():
    make_grant(optionee=PersonFactory(name="Dean Bogues"))
    total = Change.objects.count()
    Change.objects.all().delete()
    assert changes.index_missing() == total
    assert Change.objects.filter(person="Dean Bogues").count() == 6  # person, grant, 4
    assert changes.index_missing() == 0


def test_a_deleted_record_shows_its_values():
    record = OfficerYearFactory(person=PersonFactory(name="Mary Reed"), base_salary=123_456)
    OfficerYear.objects.get(pk=record.pk).delete()
    entry = Change.objects.get(record_type="compensation.officeryear", action="-")
    assert ["base salary", "$123,456.00"] in entry.details


def test_rates_read_as_percentages_and_a_save_without_a_change_is_not_logged():
    from grants.models import ValuationDefaults

    defaults = ValuationDefaults.objects.create(
        fiscal_year=2006, volatility=Decimal("0.75"), risk_free_rate=Decimal("0.045125")
    )
    added = Change.objects.get(record_type="grants.valuationdefaults")
    assert ["expected volatility", "75.00%"] in added.details
    assert ["risk-free rate", "4.5125%"] in added.details
    defaults.save()  # nothing changed
    assert Change.objects.filter(record_type="grants.valuationdefaults").count() == 1
    defaults.volatility = Decimal("0.6")
    defaults.save()
    changed = Change.objects.get(record_type="grants.valuationdefaults", action="~")
    assert changed.details == [["expected volatility", "75.00%", "60.00%"]]


def test_a_filter_with_an_error_is_not_applied_and_says_so(client_for):
    many_changes(2)
    client = client_for("auditor")
    response = client.get("/history/", {"start": "2026-12-07", "end": "2026-12-01"})
    html = response.content.decode()
    assert "The end date must be on or after the start date." in html
    assert "Correct the filter above" in html and "_export=csv" not in html
    # Nor does an export go out under a filter that was not applied.
    refused = client.get("/history/", {"start": "not a date", "_export": "csv"})
    assert refused["Content-Type"].startswith("text/html")


def test_the_export_names_its_filters_as_the_page_does():
    from workspace.history import ChangeList

    chair = UserFactory(username="chair", first_name="Carl", last_name="Berg")
    report = ChangeList({"kind": "grants.grantvaluation", "action": "~", "user": chair, "q": ""})
    assert report.parameters() == [
        ("Kind of record", "grant valuation"),
        ("What was done", "changed"),
        ("User", "Carl Berg"),
    ]


def test_a_change_of_footnotes_shows_them_before_and_after(db):
    first = FootnoteFactory(marker="1", text="Please refer to the employment agreements.")
    second = FootnoteFactory(marker="2", text="Resigned in 2007.")
    record = OfficerYearFactory(person=PersonFactory(name="Stephan B. Godevais"))
    record.footnotes.add(first)
    record.footnotes.add(second)
    record.footnotes.remove(first)
    changes = list(
        Change.objects.filter(record_type="compensation.officeryear", action="~").order_by(
            "at", "id"
        )
    )
    details = [c.details for c in changes]
    assert details == [
        [["footnotes", "", "(1) Please refer to the employment agreements."]],
        [
            [
                "footnotes",
                "(1) Please refer to the employment agreements.",
                "(1) Please refer to the employment agreements.; (2) Resigned in 2007.",
            ]
        ],
        [
            [
                "footnotes",
                "(1) Please refer to the employment agreements.; (2) Resigned in 2007.",
                "(2) Resigned in 2007.",
            ]
        ],
    ]
