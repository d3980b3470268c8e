"""A grant's approval names the meeting, asks for a confirmation, is not offered for an
expired or fully exercised grant, and no option is exercised before it (issue 17)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from grants.models import OptionGrant
from tests.factories import RegistrationPeriodFactory, UserFactory, make_grant

pytestmark = pytest.mark.django_db
MEETING = "Compensation Committee meeting of 2024-02-15"


@pytest.fixture
def pending():
    return make_grant(grant_date=date(2024, 1, 13), approved=False)


def test_approval_requires_the_meeting_and_records_it_in_the_history(pending):
    chair = UserFactory(username="chair")
    with pytest.raises(ValidationError, match="Name the meeting"):
        pending.approve(by=chair, meeting="  ")
    pending.approve(by=chair, meeting=MEETING)
    pending.refresh_from_db()
    assert pending.approval_meeting == MEETING and pending.approved_by == chair
    assert pending.history.first().history_change_reason == f"Approved at {MEETING}"


def test_the_approve_page_shows_the_terms_and_asks_for_a_confirmation(client_for, pending):
    client = client_for("committee")
    page = client.get(f"/grants/{pending.pk}/approve/").content.decode()
    assert "10,000" in page and "$2.99" in page and 'name="confirm"' in page
    response = client.post(f"/grants/{pending.pk}/approve/", {"meeting": MEETING})
    assert response.status_code == 200
    assert "Confirm that the committee approved these terms" in response.content.decode()
    pending.refresh_from_db()
    assert pending.approved_at is None
    response = client.post(
        f"/grants/{pending.pk}/approve/",
        {"meeting": MEETING, "confirm": "on", "next": "/grants/approvals/"},
    )
    assert response.status_code == 302 and response.url == "/grants/approvals/"
    pending.refresh_from_db()
    assert pending.approved_at is not None


def test_an_expired_grant_is_not_offered_and_is_refused(client_for):
    expired = make_grant(grant_date=date(2005, 7, 13), approved=False)  # expired 2015
    assert expired.approval_refusal()
    assert not OptionGrant.objects.awaiting_approval().filter(pk=expired.pk).exists()
    client = client_for("committee")
    page = client.get(expired.get_absolute_url()).content.decode()
    assert f"/grants/{expired.pk}/approve/" not in page
    response = client.post(
        f"/grants/{expired.pk}/approve/", {"meeting": MEETING, "confirm": "on"}, follow=True
    )
    assert "can no longer be approved" in response.content.decode()
    with pytest.raises(ValidationError, match="deadline .* has passed"):
        expired.approve(by=None, meeting=MEETING)
    expired.refresh_from_db()
    assert expired.approved_at is None


def test_a_fully_exercised_grant_is_not_approvable():
    RegistrationPeriodFactory()
    today = timezone.localdate()
    granted = today - timedelta(days=400)
    grant = make_grant(
        [(today - timedelta(days=300), 1000)],
        grant_date=granted,
        expiration_date=granted + timedelta(days=3000),
    )
    grant.exercise(1000, today - timedelta(days=10))
    OptionGrant.objects.filter(pk=grant.pk).update(approved_at=None, approval_meeting="")
    grant.refresh_from_db()
    assert "no share of it is left outstanding" in grant.approval_refusal()
    assert not OptionGrant.objects.awaiting_approval().filter(pk=grant.pk).exists()


def test_an_option_awaiting_approval_cannot_be_exercised(client_for):
    RegistrationPeriodFactory()
    grant = make_grant(grant_date=date(2024, 1, 13), approved=False)
    with pytest.raises(ValidationError, match="Not approved"):
        grant.exercise(2500, date(2025, 2, 1))
    assert not grant.exercises.exists()
    most, why = grant.most_to_record(date(2025, 2, 1))
    assert most == 0 and "Not approved" in why
    grant.approve(by=None, meeting=MEETING)
    grant.exercise(2500, date(2025, 2, 1))
    assert grant.exercises.count() == 1
