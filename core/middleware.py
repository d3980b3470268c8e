import time

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode

# Pages a signed-in user may reach before the second factor is verified.
TWO_FACTOR_OPEN = ("two-factor-setup", "two-factor-verify", "logout")
TWO_FACTOR_OPEN_ENROLLED = ("two-factor-verify", "logout")


class IdleSessionMiddleware:
    """A signed-in session ends after SESSION_COOKIE_AGE seconds without a request.
    Instead of writing the session on every request (SESSION_SAVE_EVERY_REQUEST), it is
    renewed when its last renewal is SESSION_RENEW_AFTER seconds old or more: one write a
    minute per active user, and the idle limit holds to within that minute."""

    KEY = "_renewed_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.session.session_key and request.user.is_authenticated:
            now = int(time.time())
            if now - request.session.get(self.KEY, 0) >= settings.SESSION_RENEW_AFTER:
                request.session[self.KEY] = now  # modified: saved with a fresh expiry
        return self.get_response(request)


class NoStoreMiddleware:
    """Every page a signed-in user sees shows compensation data: never keep it in a
    browser or proxy cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
        return response


class RequireTwoFactorMiddleware:
    """With REQUIRE_2FA on, a signed-in user reaches nothing until the second factor is
    verified in this session: first enrolment, then a code at every sign-in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not settings.REQUIRE_2FA or not user.is_authenticated or user.is_verified():
            return None
        from django_otp import devices_for_user

        enrolled = any(devices_for_user(user, confirmed=True))
        name = request.resolver_match.url_name
        # Once enrolled, only the second factor opens the way: never the setup page,
        # where a password alone would replace the owner's authenticator.
        if name in (TWO_FACTOR_OPEN_ENROLLED if enrolled else TWO_FACTOR_OPEN):
            return None
        target = "two-factor-verify" if enrolled else "two-factor-setup"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
