"""Sign-in protection, two-factor sign-in, sessions, CSRF and change history."""

import hashlib
import re
from datetime import date, timedelta

import pytest
import segno
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.admin.models import LogEntry
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from compensation.models import OfficerYear
from core import roles
from core.middleware import IdleSessionMiddleware
from grants.models import OptionGrant
from grants.models.service import record_end_of_service
from tests.factories import OfficerYearFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-staple"


def sign_in(client, username, password=PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_the_sixth_attempt_is_locked_out_even_with_the_right_password(client):
    UserFactory(username="target", role=roles.AUDITORS)
    for _ in range(4):
        assert sign_in(client, "target", "wrong-password-123").status_code == 200
    # The fifth failure locks the username and IP together...
    assert sign_in(client, "target", "wrong-password-123").status_code == 429
    # ...so the sixth attempt is refused even with the right password.
    response = sign_in(client, "target")
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.get(username="target").failures_since_start >= 5
    # Every attempt is logged, the refused sixth one too.
    logs = AccessFailureLog.objects.filter(username="target").order_by("attempt_time")
    assert logs.count() == 6
    assert logs.last().locked_out


def test_a_success_before_the_limit_resets_the_count(client):
    UserFactory(username="target", role=roles.AUDITORS)
    for _ in range(4):
        sign_in(client, "target", "wrong-password-123")
    assert sign_in(client, "target").status_code == 302
    assert not AccessAttempt.objects.filter(username="target").exists()


def test_signing_in_starts_a_new_session(client):
    UserFactory(username="member", role=roles.COMMITTEE)
    client.get("/accounts/login/")
    before = client.cookies.get("sessionid")
    sign_in(client, "member")
    assert client.cookies["sessionid"].value != (before.value if before else None)


def test_passwords_need_twelve_characters_and_must_not_be_common():
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("Xk9#short")
    with pytest.raises(ValidationError, match="too common"):
        validate_password("password1234")
    validate_password("quiet-harbour-lantern-42")


def test_sessions_end_after_thirty_idle_minutes_and_with_the_browser(settings):
    assert settings.SESSION_COOKIE_AGE == 1800
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_a_session_in_use_is_renewed_at_most_once_a_minute_and_ends_when_idle(settings):
    user = UserFactory(username="member", role=roles.COMMITTEE)
    client = Client()
    client.force_login(user)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value

    def expiry():
        return Session.objects.get(session_key=key).expire_date

    assert client.get("/compensation/officers/").status_code == 200
    renewed = expiry()
    assert renewed > timezone.now() + timedelta(minutes=29)
    # Used again within the minute: the session is not written.
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/compensation/officers/").status_code == 200
    assert not [q for q in queries if q["sql"].startswith('UPDATE "django_session"')]
    assert expiry() == renewed
    # Its last renewal a minute old: this request renews it.
    session = SessionStore(key)
    session[IdleSessionMiddleware.KEY] -= 60
    session.save()
    before = expiry()
    assert client.get("/compensation/officers/").status_code == 200
    assert expiry() > before
    # Thirty minutes without a request: the session has expired and sign-in is asked for.
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get("/compensation/officers/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_sign_out_everywhere_ends_every_session_of_the_user(db):
    user = UserFactory(username="member", role=roles.COMMITTEE)
    other = UserFactory(username="other", role=roles.COMMITTEE)
    laptop, phone, colleague = Client(), Client(), Client()
    laptop.force_login(user)
    phone.force_login(user)
    colleague.force_login(other)
    assert laptop.post("/account/sign-out-everywhere/").status_code == 302
    assert phone.get("/compensation/officers/").status_code == 302  # back to login
    assert colleague.get("/compensation/officers/").status_code == 200


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/grants/prices/new/", {"date": "2006-01-03", "price": "3"}),
        ("/grants/registration/new/", {"start_date": "2006-01-03", "basis": "S-8"}),
        ("/imports/", {"kind": "officer_years"}),
        ("/account/sign-out-everywhere/", {}),
        ("/accounts/login/", {"username": "x", "password": "y"}),
    ],
)
def test_csrf_is_enforced_on_every_form(db, url, data):
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(username="compadmin", role=roles.ADMINS, is_staff=True))
    assert client.post(url, data).status_code == 403


# --- two-factor sign-in ----------------------------------------------------------------


@override_settings(REQUIRE_2FA=True)
def test_with_2fa_required_nothing_is_reachable_before_enrolment_and_verification(db):
    user = UserFactory(username="member", role=roles.COMMITTEE)
    client = Client()
    client.force_login(user)
    response = client.get("/compensation/officers/")
    assert response.status_code == 302
    assert response.url.startswith("/account/two-factor/setup/?next=")
    assert client.get("/admin/").url.startswith("/account/two-factor/setup/")

    client.get("/account/two-factor/setup/")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    codes_page = client.post(
        "/account/two-factor/setup/?next=/compensation/officers/",
        {"token": f"{totp(device.bin_key):06d}", "next": "/compensation/officers/"},
    )
    codes = codes_page.context["codes"]
    assert len(codes) == 10
    assert client.get("/compensation/officers/").status_code == 200

    # A new sign-in asks for a code; a backup code works once.
    later = Client()
    later.force_login(user)
    assert later.get("/grants/").url.startswith("/account/two-factor/verify/")
    assert later.post("/account/two-factor/verify/", {"token": codes[0]}).status_code == 302
    assert later.get("/grants/").status_code == 200
    again = Client()
    again.force_login(user)
    response = again.post("/account/two-factor/verify/", {"token": codes[0]})
    assert "That code is not valid" in response.content.decode()  # a backup code works once
    assert again.get("/grants/").status_code == 302
    # Right after wrong codes even a good one is refused for a while, and the page says
    # so. (Three failures just now: django-otp asks for 4 seconds.)
    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user=user).update(
            throttling_failure_count=3, throttling_failure_timestamp=timezone.now()
        )
    waiting = again.post("/account/two-factor/verify/", {"token": codes[1]})
    assert re.search(
        r"That code was not accepted: after a wrong code, wait [1-4] seconds? and try again",
        waiting.content.decode(),
    )

    # Only the app's device waiting: a wrong backup code is called not valid, and the
    # app's right code, too soon, is told to wait. (Each try starts a wait on the backup
    # codes too: lifted between tries.)
    def backup_codes_ready():
        StaticDevice.objects.filter(user=user).update(
            throttling_failure_count=0, throttling_failure_timestamp=None
        )

    backup_codes_ready()
    wrong = again.post("/account/two-factor/verify/", {"token": "nothing1"})
    assert "That code is not valid." in wrong.content.decode()
    backup_codes_ready()
    app = TOTPDevice.objects.get(user=user)
    too_soon = again.post("/account/two-factor/verify/", {"token": f"{totp(app.bin_key):06d}"})
    assert re.search(
        r"That code was not accepted: after a wrong code, wait [1-4] seconds? and try again",
        too_soon.content.decode(),
    )
    # Waits over, with failures counted on both devices: signing in with a backup code
    # clears both counts, so the next typo waits 1 second, not 16.
    an_hour_ago = timezone.now() - timedelta(hours=1)
    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user=user).update(
            throttling_failure_count=4, throttling_failure_timestamp=an_hour_ago
        )
    assert again.post("/account/two-factor/verify/", {"token": codes[1]}).status_code == 302
    for model in (TOTPDevice, StaticDevice):
        assert model.objects.get(user=user).throttling_failure_count == 0


@override_settings(REQUIRE_2FA=True)
def test_replacing_the_authenticator_asks_for_the_password(db):
    user = UserFactory(username="member", role=roles.COMMITTEE)
    client = Client()
    client.force_login(user)
    client.get("/account/two-factor/setup/")
    first = TOTPDevice.objects.get(user=user)
    client.post("/account/two-factor/setup/", {"token": f"{totp(first.bin_key):06d}"})
    client.get("/account/two-factor/setup/")
    second = TOTPDevice.objects.get(user=user, confirmed=False)
    token = f"{totp(second.bin_key):06d}"
    refused = client.post("/account/two-factor/setup/", {"token": token, "password": "nope"})
    assert "That password is not right" in refused.content.decode()
    empty = client.post("/account/two-factor/setup/", {"token": token, "password": ""})
    assert "Your password is needed to replace a device." in empty.content.decode()
    assert TOTPDevice.objects.filter(user=user, confirmed=True).get() == first
    client.post("/account/two-factor/setup/", {"token": token, "password": PASSWORD})
    assert TOTPDevice.objects.filter(user=user, confirmed=True).get() == second


def test_the_enrolment_code_is_the_devices_own_and_is_drawn_once(db):
    user = UserFactory(username="member", role=roles.COMMITTEE)
    client = Client()
    client.force_login(user)
    page = client.get("/account/two-factor/setup/").content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    drawn = segno.make(device.config_url, error="m").svg_inline(scale=4, omitsize=True)
    assert drawn in page
    # Kept under a digest of the URL.
    key = "two-factor-qr:" + hashlib.sha256(device.config_url.encode()).hexdigest()
    assert cache.get(key) == drawn
    # A mistyped code shows the same drawing again; another device has its own.
    again = client.post("/account/two-factor/setup/", {"token": "000000"})
    assert "That code does not match" in again.content.decode()
    assert drawn in again.content.decode()
    other = UserFactory(username="other", role=roles.COMMITTEE)
    other_client = Client()
    other_client.force_login(other)
    assert drawn not in other_client.get("/account/two-factor/setup/").content.decode()
    # Right after wrong codes, even the right one waits, and the page says so. (Three
    # failures just now: django-otp asks for 4 seconds.)
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=3, throttling_failure_timestamp=timezone.now()
    )
    too_soon = client.post("/account/two-factor/setup/", {"token": f"{totp(device.bin_key):06d}"})
    assert re.search(
        r"A wrong code was typed just before: wait [1-4] seconds? and type the code",
        too_soon.content.decode(),
    )
    device.refresh_from_db()
    assert not device.confirmed
    # Once the device is confirmed, the drawing of its secret is no longer kept. (The
    # wait is lifted here rather than slept through.)
    device.throttle_reset()
    client.post("/account/two-factor/setup/", {"token": f"{totp(device.bin_key):06d}"})
    device.refresh_from_db()
    assert device.confirmed and cache.get(key) is None


def test_2fa_is_required_by_default_in_production():
    from tests.test_settings import PRODUCTION, run_manage

    result = run_manage(
        "shell", "-c", "from django.conf import settings; print(settings.REQUIRE_2FA)", **PRODUCTION
    )
    assert result.stdout.strip().splitlines()[-1] == "True"


# --- change history --------------------------------------------------------------------


def test_history_records_the_acting_user_and_the_approval(client_for, db):
    record = OfficerYearFactory(fiscal_year=2007)
    client = client_for("committee")
    client.post(f"/compensation/records/{record.pk}/approve/", {"meeting": "Meeting 2007-02-01"})
    latest = record.history.first()
    assert latest.history_user.username == "committee"
    assert latest.status == OfficerYear.Status.APPROVED
    assert latest.history_change_reason == "Approved at Meeting 2007-02-01"


def test_an_approved_record_cannot_be_edited_until_returned_to_proposed(client_for, db):
    record = OfficerYearFactory(fiscal_year=2007, base_salary=200_000)
    record.approve(by=UserFactory(username="chair"), meeting="Meeting 1")
    record.base_salary = 250_000
    with pytest.raises(ValidationError, match="Return it to proposed"):
        record.full_clean()
    admin = client_for("compadmin")
    response = admin.post("/compensation/records/reopen/", {"record": record.pk, "reason": ""})
    record.refresh_from_db()
    assert record.is_approved and response.status_code == 302
    admin.post("/compensation/records/reopen/", {"record": record.pk, "reason": "Salary corrected"})
    record.refresh_from_db()
    assert record.status == OfficerYear.Status.PROPOSED and record.approved_at is None
    reopened = record.history.first()
    assert reopened.history_user.username == "compadmin"
    assert "Salary corrected" in reopened.history_change_reason
    assert record.history.filter(status=OfficerYear.Status.APPROVED).exists()  # nothing lost


def test_the_history_page_shows_a_field_by_field_diff(client_for, demo_data):
    grant = OptionGrant.objects.get()
    person = grant.optionee
    person.terminated_on, person.termination_reason = date(2007, 2, 1), "other"
    record_end_of_service(person)
    html = client_for("auditor").get(f"/history/optiongrant/{grant.pk}/").content.decode()
    assert "Deadline" in html and "2015-07-13" in html and "2007-05-01" in html
    index = client_for("committee").get("/history/").content.decode()
    assert "changed person" in index


def test_replacing_installments_keeps_the_removed_ones_in_history(demo_data):
    grant = OptionGrant.objects.get()
    old = list(grant.installments.values_list("pk", flat=True))
    grant.set_installments([(date(2005, 7, 13), 1_000_000)])
    from grants.models import VestingInstallment

    deleted = VestingInstallment.history.filter(history_type="-", id__in=old)
    assert deleted.count() == 14
    assert VestingInstallment.history.filter(history_type="+").count() == 15


def enrolled_user(username: str, **fields) -> tuple:
    """A user with a confirmed authenticator and backup codes, as after enrolment."""
    user = UserFactory(username=username, **fields)
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    backup = StaticDevice.objects.create(user=user, name="Backup codes")
    backup.token_set.create(token="backup01")
    return user, device


def password_only_session(user) -> Client:
    """A session that has passed the password step and nothing else."""
    client = Client()
    assert client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    return client


@override_settings(REQUIRE_2FA=True)
@pytest.mark.parametrize(
    "fields",
    [
        {"role": roles.COMMITTEE},
        {"role": roles.AUDITORS},
        {"is_superuser": True, "is_staff": True},
    ],
)
def test_a_password_alone_cannot_replace_an_enrolled_authenticator(db, fields):
    user, device = enrolled_user("victim", **fields)
    attacker = password_only_session(user)
    # The setup page sends a session without the second factor to the code prompt.
    response = attacker.get("/account/two-factor/setup/")
    assert response.status_code == 302
    assert response.url.startswith("/account/two-factor/verify/")
    attacker_key = TOTPDevice(user=user, confirmed=False)
    attacker_key.save()
    response = attacker.post(
        "/account/two-factor/setup/",
        {"token": f"{totp(attacker_key.bin_key):06d}", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=user, confirmed=True).get() == device
    assert StaticToken.objects.filter(device__user=user, token="backup01").exists()
    assert attacker.get("/grants/").url.startswith("/account/two-factor/verify/")


@override_settings(REQUIRE_2FA=True)
def test_a_backup_code_opens_the_way_to_replace_a_lost_authenticator(db):
    user, device = enrolled_user("member", role=roles.COMMITTEE)
    client = password_only_session(user)
    before = client.session.session_key
    assert client.post("/account/two-factor/verify/", {"token": "backup01"}).status_code == 302
    # Passing the second factor gives the session a new id.
    assert client.session.session_key != before
    assert client.get("/account/two-factor/setup/").status_code == 200
    new = TOTPDevice.objects.get(user=user, confirmed=False)
    client.post(
        "/account/two-factor/setup/",
        {"token": f"{totp(new.bin_key):06d}", "password": PASSWORD},
    )
    assert TOTPDevice.objects.filter(user=user, confirmed=True).get() == new


@override_settings(REQUIRE_2FA=True)
def test_wrong_passwords_on_the_replace_form_count_towards_the_lockout(db):
    user, device = enrolled_user("member", role=roles.COMMITTEE)
    client = password_only_session(user)
    client.post("/account/two-factor/verify/", {"token": "backup01"})
    client.get("/account/two-factor/setup/")
    new = TOTPDevice.objects.get(user=user, confirmed=False)
    for _ in range(5):
        client.post(
            "/account/two-factor/setup/",
            {"token": f"{totp(new.bin_key):06d}", "password": "wrong password"},
        )
    # Locked: neither the form nor a new sign-in with the right password gets through.
    assert client.get("/account/two-factor/setup/").status_code == 403
    assert TOTPDevice.objects.filter(user=user, confirmed=True).get() == device
    fresh = Client()
    fresh.post("/accounts/login/", {"username": "member", "password": PASSWORD})
    assert "_auth_user_id" not in fresh.session


def test_a_superuser_resets_someones_two_factor_sign_in_and_it_is_recorded(db):
    user, device = enrolled_user("member", role=roles.COMMITTEE)
    admin_user = UserFactory(username="root", is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(admin_user)
    response = client.post(
        "/admin/auth/user/",
        {"action": "reset_two_factor", "_selected_action": [user.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticToken.objects.filter(device__user=user).exists()
    entry = LogEntry.objects.get(object_id=str(user.pk))
    assert "two-factor" in entry.get_change_message().lower()
    assert entry.user == admin_user
    # A compensation admin (staff, not superuser) is not offered the action.
    staff = UserFactory(username="compadmin", role=roles.ADMINS, is_staff=True)
    other = Client()
    other.force_login(staff)
    other.post("/admin/auth/user/", {"action": "reset_two_factor", "_selected_action": [user.pk]})
    assert LogEntry.objects.count() == 1
