"""Issue 13: long text answered 500 on PostgreSQL. The change history's reason was a
100-character column, and an approval ("Approved at <meeting>", the form accepts 200),
a reopening ("Returned to proposed by <user>: <reason>") or a grant's withdrawn approval
(the list of changed terms) wrote more; a sign-in's username went into django-axes'
255-character column unchecked. The reason is a text column now, the username is cut to
its column, and every form's limit fits its column. SQLite does not enforce lengths: run
this on PostgreSQL too."""

from datetime import date
from decimal import Decimal

import pytest
from axes.models import AccessAttempt
from django.contrib.messages import get_messages
from django.test import Client

from compensation.models import OfficerYear
from tests.factories import OfficerYearFactory, UserFactory, make_grant

pytestmark = pytest.mark.django_db
MEETING = "Compensation Committee meeting of 2007-02-15, " + "m" * 154  # 200, the form's limit


def messages_of(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def test_a_meeting_name_as_long_as_the_form_accepts_approves_and_is_kept_whole(client_for):
    assert len(MEETING) == 200
    record = OfficerYearFactory(fiscal_year=2007)
    response = client_for("committee").post(
        f"/compensation/records/{record.pk}/approve/", {"meeting": MEETING}
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.is_approved and record.approval_meeting == MEETING
    assert record.history.first().history_change_reason == f"Approved at {MEETING}"


def test_a_meeting_name_longer_than_its_column_is_a_field_error(client_for):
    record = OfficerYearFactory(fiscal_year=2007)
    response = client_for("committee").post(
        f"/compensation/records/{record.pk}/approve/", {"meeting": MEETING + "m"}
    )
    assert response.status_code == 200
    assert "at most 200 characters" in str(response.context["form"].errors["meeting"])
    record.refresh_from_db()
    assert record.status == OfficerYear.Status.PROPOSED


@pytest.fixture
def approved(db):
    record = OfficerYearFactory(fiscal_year=2007)
    record.approve(by=UserFactory(username="chair"), meeting="Meeting 1")
    return record


def test_a_long_reopen_reason_reopens_and_is_kept_whole(client_for, approved):
    reason = "The salary was typed from the draft agreement, not the signed one. " * 3
    reason = reason.strip()[:200]
    response = client_for("compadmin").post(
        "/compensation/records/reopen/", {"record": approved.pk, "reason": reason}
    )
    assert response.status_code == 302
    approved.refresh_from_db()
    assert approved.status == OfficerYear.Status.PROPOSED
    reason_kept = approved.history.first().history_change_reason
    assert reason_kept == f"Returned to proposed by compadmin: {reason}"


@pytest.mark.parametrize(
    "reason, message",
    [("x" * 201, "at most 200 characters"), ("Typo\x00", "Null characters are not allowed")],
)
def test_a_reopen_reason_past_the_forms_limit_or_with_a_nul_is_refused(
    client_for, approved, reason, message
):
    response = client_for("compadmin").post(
        "/compensation/records/reopen/", {"record": approved.pk, "reason": reason}
    )
    assert response.status_code == 302
    assert message in messages_of(response)
    approved.refresh_from_db()
    assert approved.is_approved
    assert approved.history.count() == 2  # created, approved: no reopening


def test_a_withdrawn_approval_names_every_changed_term_in_the_history(db):
    grant = make_grant(grant_date=date(2005, 7, 13))
    grant.exercise_price = Decimal("3.50")
    grant.option_type = "ISO"
    grant.expiration_date = date(2015, 7, 1)
    grant.minimum_exercise_shares = 500
    grant.post_termination_months = 6
    grant.save()
    reason = grant.history.first().history_change_reason
    assert len(reason) > 100
    assert reason == (
        "Approval withdrawn: exercise_price, option_type, expiration_date, "
        "minimum_exercise_shares, post_termination_months changed after the committee's "
        "approval"
    )


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_a_sign_in_with_a_username_longer_than_any_is_refused_not_a_500(db, path):
    """Django's sign-in forms check the password before the username's length, and
    django-axes recorded the attempt in a 255-character column."""
    response = Client().post(path, {"username": "u" * 300, "password": "wrong-password-123"})
    assert response.status_code == 200
    assert AccessAttempt.objects.get().username == "u" * 255
