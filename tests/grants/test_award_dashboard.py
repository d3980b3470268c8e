"""Restricted stock on the dashboard and the person page, and in the admin (issue 15)."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from grants.models import AwardVesting, StockAward
from tests.factories import PersonFactory, StockPlanFactory, make_award
from tests.grants.conftest import ADMIN, AUDITOR, COMMITTEE, NO_ROLE, page
from tests.grants.conftest import AWARD_ROWS as ROWS

pytestmark = pytest.mark.django_db

# --- Dashboard and person page ------------------------------------------------------------


@pytest.fixture
def dashboard_awards(db):
    today = timezone.localdate()
    soon = make_award(
        [(today - timedelta(days=1), 100), (today + timedelta(days=40), 300)],
        recipient=PersonFactory(name="Vesting Soon"),
        grant_date=today - timedelta(days=20),
        award_type="RSU",
    )
    electing = make_award(
        [(today + timedelta(days=400), 50)],
        recipient=PersonFactory(name="Electing Holder"),
        grant_date=today - timedelta(days=25),
        election_83b="intends",
    )
    # Its last day is 20 days away: not yet due on the dashboard (10 days).
    make_award(
        [(today + timedelta(days=400), 50)],
        recipient=PersonFactory(name="Not Yet Due"),
        grant_date=today - timedelta(days=10),
        election_83b="intends",
    )
    return soon, electing


def test_the_dashboard_shows_the_award_sections(client_for, dashboard_awards):
    soon, electing = dashboard_awards
    today = timezone.localdate()
    html = page(client_for(COMMITTEE), "/")
    # Vesting in 90 days, with the kind of award.
    upcoming = html.split('id="upcoming-vests"')[1].split("</table>")[0]
    assert "Vesting Soon" in upcoming and ">RSU</abbr>" in upcoming and "300" in upcoming
    # Vestings awaiting confirmation: the count, the first few, the page.
    pending = html.split('id="vestings-to-confirm"')[1].split("</section>")[0]
    assert "(1)" in pending and "Vesting Soon" in pending and 'href="/grants/vestings/"' in pending
    # 83(b) elections due within 10 days, with the last day.
    due = html.split('id="elections-due"')[1].split("</section>")[0]
    last_day = electing.grant_date + timedelta(days=30)
    assert "Electing Holder" in due and f"last day {last_day:%Y-%m-%d}" in due
    assert "Not Yet Due" not in due
    # Awards beside grants awaiting the committee's approval.
    approvals = html.split('id="approvals-h"')[1].split("</section>")[0]
    assert f'href="/grants/awards/{soon.pk}/"' in approvals
    assert today  # (dates are relative to today)


def test_the_dashboard_names_the_first_20_awards_awaiting_approval(client_for, db):
    today = timezone.localdate()
    for n in range(25):
        make_award(
            [(date(2030, 1, 1), 10)],
            recipient=PersonFactory(name=f"Waiting {n:02}"),
            grant_date=date(2006, 1, 1) + timedelta(days=n),
        )
    # Approved, and its 83(b) election is due: named there only.
    electing = make_award(
        [(today + timedelta(days=400), 10)],
        recipient=PersonFactory(name="Approved Elector"),
        grant_date=today - timedelta(days=29),
        election_83b="intends",
    )
    electing.approve(by=None, meeting="Compensation Committee")
    response = client_for(COMMITTEE).get("/")
    waiting = response.context["awards_to_approve"]
    # The newest first, as the awards' own order.
    assert [a.recipient.name for a in waiting] == [f"Waiting {n:02}" for n in range(24, 4, -1)]
    assert [a.recipient.name for a in response.context["elections_due"]] == ["Approved Elector"]
    # Without the power to approve, the same elections.
    auditor = client_for(AUDITOR).get("/")
    assert [a.pk for a in auditor.context["elections_due"]] == [electing.pk]
    assert "awards_to_approve" not in auditor.context


def test_the_dashboard_shows_approvals_only_to_the_committee(client_for, dashboard_awards):
    html = page(client_for(ADMIN), "/")
    assert 'id="approvals-h"' not in html
    assert 'id="vestings-to-confirm"' in html and "Confirm vestings" in html
    assert 'id="vestings-to-confirm"' not in page(client_for(NO_ROLE), "/")


def test_the_dashboard_issues_a_fixed_number_of_queries(client_for, dashboard_awards):
    client = client_for(COMMITTEE)
    today = timezone.localdate()
    counts = []
    for batch in range(2):
        for n in range(10):
            make_award(
                [(today - timedelta(days=2), 10), (today + timedelta(days=30), 10)],
                recipient=PersonFactory(name=f"Holder {batch}-{n}"),
                grant_date=today - timedelta(days=28),
                election_83b="intends",
            )
        client.get("/")
        with CaptureQueriesContext(connection) as queries:
            client.get("/")
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]


def test_the_person_page_lists_the_persons_awards(client_for, award):
    make_award(recipient=award.recipient, award_type="RSU", grant_date=date(2007, 1, 2))
    html = page(client_for(AUDITOR), f"/compensation/people/{award.recipient_id}/")
    awards = html.split('id="stock-awards"')[1].split("</ul>")[0]
    assert f'href="/grants/awards/{award.pk}/"' in awards
    assert "4,000 shares</a> (RSA" in awards and "units</a> (RSU" in awards
    assert "awaiting approval" in awards


# --- The admin ----------------------------------------------------------------------------


def admin_award_data(plan, person, rows, **changes):
    data = {
        "plan": plan.pk,
        "recipient": person.pk,
        "award_type": "RSA",
        "grant_date": "2006-03-01",
        "shares": "4000",
        "purchase_price": "0",
        "election_83b": "none",
        "installments-TOTAL_FORMS": str(len(rows)),
        "installments-INITIAL_FORMS": "0",
        "vestings-TOTAL_FORMS": "0",
        "vestings-INITIAL_FORMS": "0",
    }
    for n, (day, shares) in enumerate(rows):
        data[f"installments-{n}-vest_date"] = str(day)
        data[f"installments-{n}-shares"] = str(shares)
    data.update(changes)
    return data


def test_the_admin_checks_the_installments_against_the_award(client_for, db):
    plan, person = StockPlanFactory(), PersonFactory()
    client = client_for(ADMIN)
    response = client.post(
        "/admin/grants/stockaward/add/", admin_award_data(plan, person, ROWS[:-1])
    )
    assert response.status_code == 200
    assert "add up to 3,000 shares" in response.content.decode()
    assert not StockAward.objects.exists()
    response = client.post("/admin/grants/stockaward/add/", admin_award_data(plan, person, ROWS))
    assert response.status_code == 302
    assert StockAward.objects.get().installment_rows() == ROWS


def test_changing_an_approved_awards_installments_in_the_admin_withdraws_the_approval(
    client_for, award
):
    award.approve(by=None, meeting="Compensation Committee")
    installments = list(award.installments.order_by("vest_date"))
    data = admin_award_data(award.plan, award.recipient, [], withholding_rate="0.25")
    data.update({"installments-TOTAL_FORMS": "4", "installments-INITIAL_FORMS": "4"})
    for n, installment in enumerate(installments):
        day = installment.vest_date.replace(day=2) if n == 3 else installment.vest_date
        data[f"installments-{n}-id"] = str(installment.pk)
        data[f"installments-{n}-award"] = str(award.pk)
        data[f"installments-{n}-vest_date"] = str(day)
        data[f"installments-{n}-shares"] = "1000"
    response = client_for(ADMIN).post(f"/admin/grants/stockaward/{award.pk}/change/", data)
    assert response.status_code == 302
    award.refresh_from_db()
    assert award.installment_rows()[-1] == (date(2010, 3, 2), 1000)
    assert award.approved_at is None


def test_confirmed_vestings_are_read_only_in_the_admin(client_for, award):
    award.confirm_vesting(date(2007, 3, 1), withheld=None, by=None)
    vesting = AwardVesting.objects.get()
    client = client_for(ADMIN)
    assert client.get("/admin/grants/awardvesting/").status_code == 200
    assert client.get("/admin/grants/awardvesting/add/").status_code == 403
    page_html = client.get(f"/admin/grants/awardvesting/{vesting.pk}/change/").content.decode()
    assert 'name="shares_withheld"' not in page_html
    assert client.get(f"/admin/grants/awardvesting/{vesting.pk}/delete/").status_code == 403


def test_the_dashboard_counts_vestings_awaiting_confirmation_up_to_1000(client_for, db):
    """Beyond 1,000 the dashboard says "more than 1,000"; the vestings page counts all."""
    start = date(2008, 1, 1)
    for count in (1000, 1001):
        StockAward.objects.all().delete()
        make_award(
            [(start + timedelta(days=n), 1) for n in range(count)],
            recipient=PersonFactory(name="Many Vestings"),
            grant_date=start - timedelta(days=1),
        )
        response = client_for(ADMIN).get("/")
        card = response.content.decode().split('id="vestings-to-confirm"')[1].split("</section>")[0]
        if count == 1000:
            assert "Vestings awaiting confirmation (1,000)</h2>" in card
            assert "The first 5 of 1,000." in card
        else:
            assert "Vestings awaiting confirmation (more than 1,000)</h2>" in card
            assert "The first 5 of more than 1,000." in card
        # The first few are the oldest, whatever the count.
        assert [i.vest_date for i in response.context["vestings_to_confirm"]] == [
            start + timedelta(days=n) for n in range(5)
        ]
        vestings = client_for(ADMIN).get("/grants/vestings/")
        assert vestings.context["page"].paginator.count == count
        # The vestings page gives the exact number.
        assert f'id="vestings-count">{count:,}</span>' in vestings.content.decode()
