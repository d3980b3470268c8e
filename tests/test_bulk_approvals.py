"""The approvals page approves the chosen proposals at one meeting, all or none; each
single approval returns to the queue; only committee members approve or return."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from compensation.models import OfficerYear
from tests.factories import OfficerYearFactory, UserFactory, make_award, make_grant

pytestmark = pytest.mark.django_db
URL = "/grants/approvals/"
MEETING = "Compensation Committee meeting of 2007-02-01"


def messages_of(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


@pytest.fixture
def waiting():
    salary = OfficerYearFactory(fiscal_year=2007, base_salary=Decimal("260000"))
    bonus = OfficerYearFactory(fiscal_year=2006, bonus=Decimal("40000"))
    # The 2006 salary was approved with the record; its bonus is proposed apart.
    OfficerYear.objects.filter(pk=bonus.pk).update(status="approved", approved_at=timezone.now())
    grant = make_grant(grant_date=date(2024, 1, 13), approved=False)
    award = make_award()
    return salary, bonus, grant, award


def test_the_page_lists_salary_and_bonus_proposals_apart(client_for, waiting):
    salary, bonus, grant, award = waiting
    response = client_for("committee").get(URL)
    assert list(response.context["proposals"]) == [salary]
    assert list(response.context["bonus_proposals"]) == [bonus]
    html = response.content.decode()
    assert 'id="bulk-approval"' in html and 'class="table-responsive"' in html
    assert f'name="grant" value="{grant.pk}"' in html and f'name="award" value="{award.pk}"' in html


def test_the_chosen_proposals_are_approved_together(client_for, waiting):
    salary, bonus, grant, award = waiting
    response = client_for("committee").post(
        URL,
        {"meeting": MEETING, "salary": [salary.pk], "bonus": [bonus.pk], "grant": [grant.pk]}
        | {"award": [award.pk]},
    )
    assert response.status_code == 302 and response.url == URL
    assert "Approved 4 at" in messages_of(response)
    salary.refresh_from_db(), bonus.refresh_from_db(), grant.refresh_from_db()
    award.refresh_from_db()
    assert salary.is_approved and salary.approval_meeting == MEETING
    assert bonus.is_bonus_approved and bonus.bonus_approval_meeting == MEETING
    assert grant.approval_meeting == MEETING and award.approval_meeting == MEETING


@pytest.mark.parametrize(
    "data, message",
    [
        ({"meeting": ""}, "Name the meeting"),
        ({"meeting": MEETING}, "select at least one"),
    ],
)
def test_nothing_is_approved_without_a_meeting_or_a_choice(client_for, waiting, data, message):
    salary = waiting[0]
    response = client_for("committee").post(
        URL, {"salary": [salary.pk], **data} if data["meeting"] == "" else data
    )
    assert message in messages_of(response)
    salary.refresh_from_db()
    assert not salary.is_approved


def test_one_already_approved_by_someone_else_approves_none(client_for, waiting):
    salary, bonus, grant, _ = waiting
    grant.approve(by=UserFactory(username="other"), meeting="Earlier meeting")
    response = client_for("committee").post(
        URL, {"meeting": MEETING, "salary": [salary.pk], "grant": [grant.pk]}
    )
    text = messages_of(response)
    assert "Nothing was approved" in text and "already approved (by someone else)" in text
    salary.refresh_from_db()
    assert not salary.is_approved  # all or none


@pytest.mark.parametrize("role", ["compadmin", "auditor"])
def test_only_committee_members_approve_or_return(client_for, waiting, role):
    salary, bonus, grant, _ = waiting
    client = client_for(role)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"meeting": MEETING, "salary": [salary.pk]}).status_code == 403
    response = client.post(
        f"/compensation/records/{salary.pk}/return/", {"part": "salary", "comment": "No"}
    )
    assert response.status_code == 403
    assert client.post(f"/compensation/records/{bonus.pk}/approve-bonus/").status_code == 403
    salary.refresh_from_db()
    assert not salary.is_approved and salary.returned_comment == ""


def test_a_single_approval_comes_back_to_the_queue(client_for, waiting):
    salary, bonus, _, _ = waiting
    client = client_for("committee")
    page = client.get(f"/compensation/records/{bonus.pk}/approve-bonus/?next={URL}")
    assert f'name="next" value="{URL}"' in page.content.decode()
    response = client.post(
        f"/compensation/records/{bonus.pk}/approve-bonus/", {"meeting": MEETING, "next": URL}
    )
    assert response.status_code == 302 and response.url == URL
    assert "Approved" in messages_of(response)
    offsite = client.post(
        f"/compensation/records/{salary.pk}/approve/",
        {"meeting": MEETING, "next": "https://evil.example.com/"},
    )
    assert offsite.url.startswith("/compensation/officers/")


def test_the_page_runs_a_fixed_number_of_queries(client_for, waiting, django_assert_num_queries):
    client = client_for("committee")
    client.get(URL)
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # The pages of holdings waiting are kept under the data version: each measurement
    # computes them, as the first request after a write does.
    cache.clear()
    with CaptureQueriesContext(connection) as before:
        client.get(URL)
    for n in range(5):
        OfficerYearFactory(fiscal_year=2008, bonus=Decimal(n + 1))
        make_grant(grant_date=date(2024, 2 + n, 13), approved=False)
    cache.clear()
    with CaptureQueriesContext(connection) as after:
        client.get(URL)
    assert len(after.captured_queries) == len(before.captured_queries)
