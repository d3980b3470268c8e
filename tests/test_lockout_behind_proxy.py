"""Issue 13: behind a proxy every client had the proxy's address, so five bad passwords
locked a known username for everyone. A username is locked per client address, read
from X-Forwarded-For behind DJANGO_PROXY_COUNT trusted proxies and never otherwise."""

import pytest
from django.test import Client

from core import roles
from tests.factories import UserFactory
from tests.test_settings import run_manage

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-staple"
PROXY = "10.0.0.2"
CLIENT_A, CLIENT_B = "203.0.113.5", "198.51.100.7"


def sign_in(forwarded_for: str, password: str, remote_addr: str = PROXY):
    """A sign-in as "target" through the proxy, which set X-Forwarded-For."""
    return Client().post(
        "/accounts/login/",
        {"username": "target", "password": password},
        headers={"X-Forwarded-For": forwarded_for},
        REMOTE_ADDR=remote_addr,
    )


@pytest.fixture
def target(db):
    return UserFactory(username="target", role=roles.AUDITORS)


def test_behind_one_proxy_failures_from_one_client_do_not_lock_out_another(settings, target):
    settings.PROXY_COUNT = 1
    for _ in range(5):
        sign_in(CLIENT_A, "wrong-password-123")
    assert sign_in(CLIENT_A, PASSWORD).status_code == 429
    # The same username from another client behind the same proxy still signs in.
    assert sign_in(CLIENT_B, PASSWORD).status_code == 302


def test_behind_one_proxy_a_client_cannot_escape_its_lockout_by_sending_the_header(
    settings, target
):
    settings.PROXY_COUNT = 1
    for n in range(5):
        # Whatever the client writes into the header, the proxy appends the real address.
        sign_in(f"192.0.2.{n}, {CLIENT_A}", "wrong-password-123")
    assert sign_in(f"192.0.2.99, {CLIENT_A}", PASSWORD).status_code == 429
    assert sign_in(CLIENT_A, PASSWORD).status_code == 429


def test_behind_two_proxies_the_client_is_the_second_address_from_the_right(settings, target):
    settings.PROXY_COUNT = 2
    for _ in range(5):
        sign_in(f"{CLIENT_A}, 10.0.0.1", "wrong-password-123")
    assert sign_in(f"{CLIENT_A}, 10.0.0.1", PASSWORD).status_code == 429
    assert sign_in(f"{CLIENT_B}, 10.0.0.1", PASSWORD).status_code == 302


def test_without_a_proxy_the_header_is_ignored_so_it_cannot_be_spoofed(settings, target):
    settings.PROXY_COUNT = 0
    # One client sends a different X-Forwarded-For with each attempt...
    for n in range(5):
        sign_in(f"192.0.2.{n}", "wrong-password-123", remote_addr=CLIENT_A)
    # ...and is locked out by its own connection's address all the same.
    assert sign_in("192.0.2.200", PASSWORD, remote_addr=CLIENT_A).status_code == 429
    assert sign_in(CLIENT_A, PASSWORD, remote_addr=CLIENT_B).status_code == 302


@pytest.mark.parametrize("header", ["", "not-an-address", "203.0.113.5:443"])
def test_a_header_that_did_not_come_through_the_proxy_counts_as_the_proxy(settings, target, header):
    settings.PROXY_COUNT = 2
    for _ in range(5):
        sign_in(header, "wrong-password-123")
    assert sign_in(header, PASSWORD).status_code == 429
    assert sign_in(f"{CLIENT_B}, 10.0.0.1", PASSWORD).status_code == 302


def test_the_proxy_count_is_read_from_the_environment_and_must_not_be_negative():
    show = "from django.conf import settings; print(settings.PROXY_COUNT)"
    assert run_manage("shell", "--no-imports", "-c", show, DJANGO_DEBUG="1").stdout.strip() == "0"
    configured = run_manage(
        "shell", "--no-imports", "-c", show, DJANGO_DEBUG="1", DJANGO_PROXY_COUNT="2"
    )
    assert configured.stdout.strip() == "2"
    refused = run_manage("check", DJANGO_DEBUG="1", DJANGO_PROXY_COUNT="-1")
    assert refused.returncode != 0
    assert "DJANGO_PROXY_COUNT must be 0 or more" in refused.stderr
