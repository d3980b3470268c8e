"""What the sign-in lockout counts by: the client's address and the username."""

import ipaddress

from axes.conf import settings as axes_settings
from django.conf import settings


def client_ip(request) -> str | None:
    """The address a sign-in comes from, by which django-axes counts failures (with the
    username: AXES_LOCKOUT_PARAMETERS), so that failures from one client lock that
    username for that client only.

    With no proxy in front (PROXY_COUNT = 0) it is the connection's address; an
    X-Forwarded-For header is then the client's own words and is ignored. Behind N
    trusted proxies each appends the address it received the request from, so the
    client's is the Nth entry from the right: whatever a client puts in the header
    itself stays to the left of it. A header shorter than that, or an entry that is not
    an address, did not come through the proxies as configured: the connection's
    address (the nearest proxy's) stands instead."""
    remote = request.META.get("REMOTE_ADDR")
    count = settings.PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    if len(forwarded) < count:
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-count].strip()))
    except ValueError:
        return remote


# django-axes' column for the username it records with each attempt.
AXES_USERNAME_LENGTH = 255


def client_username(request, credentials: dict | None = None) -> str | None:
    """The username a sign-in names, as django-axes records it (AXES_USERNAME_CALLABLE),
    cut to its column. Django's sign-in forms (the app's and the admin's) do not hold the
    username to its 150 characters before checking the password, so a longer one reached
    that column, and PostgreSQL answered 500. No account has such a name: cutting it merges
    no real usernames' attempts."""
    source = credentials or getattr(request, "data", request.POST)
    # django-axes' settings module gives the setting its default (the user model's
    # USERNAME_FIELD) when the project's settings leave it out.
    username = source.get(axes_settings.AXES_USERNAME_FORM_FIELD)
    return None if username is None else str(username)[:AXES_USERNAME_LENGTH]
