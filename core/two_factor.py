"""Two-factor sign-in with TOTP (django-otp) and one-time backup codes."""

import base64
import hashlib
import math

import segno
from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

BACKUP_CODES = 10
QR_SECONDS = 15 * 60  # how long a drawn enrolment code is kept for the page's redisplays


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Code",
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class EnrolForm(TokenForm):
    password = forms.CharField(
        label="Your password",
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        required=False,
        help_text="Needed to replace a device you already have.",
    )


def _safe_next(request, default="workspace:home"):
    target = request.GET.get("next") or request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _confirmed(user) -> bool:
    return any(devices_for_user(user, confirmed=True))


def _signed_in_with_second_factor(request, device) -> None:
    """Mark the session verified and give it a new id: a session id seen before the
    second factor (on a shared computer, in a log) must not become a verified one."""
    otp_login(request, device)
    request.session.cycle_key()


def _password_failed(request, user) -> None:
    """A wrong password on the replace-device form counts towards the sign-in lockout."""
    user_login_failed.send(
        sender=__name__, credentials={"username": user.get_username()}, request=request
    )


def setup(request):
    """Enrol an authenticator app: scan the code, type a code to confirm, get backup codes.
    Replacing an enrolled device needs a session verified with the current authenticator
    or a backup code, and the password again: the password alone is what an intruder
    who has only the password has."""
    user = request.user
    replacing = _confirmed(user)
    if replacing and not user.is_verified():
        messages.info(
            request,
            "Sign in with a code from your authenticator app, or one of your backup codes, "
            "before replacing it. Lost both? A superuser can reset your two-factor sign-in.",
        )
        return redirect(f"{reverse('two-factor-verify')}?{urlencode({'next': request.path})}")
    if replacing and AxesProxyHandler.is_locked(request, {"username": user.get_username()}):
        raise PermissionDenied("Too many failed attempts: try again later.")
    device = TOTPDevice.objects.filter(
        user=user, confirmed=False
    ).first() or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    form = EnrolForm(request.POST or None)
    if replacing:  # marked as needed, and asked for before the code is checked
        form.fields["password"].required = True
        form.fields["password"].error_messages["required"] = (
            "Your password is needed to replace a device."
        )
    if request.method == "POST" and form.is_valid():
        if replacing and not user.check_password(form.cleaned_data["password"]):
            _password_failed(request, user)
            form.add_error(
                "password", "That password is not right; it is needed to replace a device."
            )
        elif wait := _seconds_to_wait(device):
            # django-otp refuses any code for a while after a wrong one (1, 2, 4... s).
            form.add_error(
                "token",
                f"A wrong code was typed just before: wait {wait} second{pluralize(wait)} "
                "and type the code the app shows then.",
            )
        elif not device.verify_token(form.cleaned_data["token"].strip()):
            form.add_error(
                "token", "That code does not match; check the app's clock and try again."
            )
        else:
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            device.confirmed = True
            device.save()
            cache.delete(qr_key(device.config_url))
            _signed_in_with_second_factor(request, device)
            codes = _new_backup_codes(user)
            messages.success(request, "Two-factor sign-in is on.")
            return render(
                request, "core/backup_codes.html", {"codes": codes, "next": _safe_next(request)}
            )
    return render(
        request,
        "core/two_factor_setup.html",
        {
            "form": form,
            "replacing": replacing,
            "secret": base64.b32encode(device.bin_key).decode(),
            "qr": qr_code(device.config_url),
            "config_url": device.config_url,
        },
    )


def _seconds_to_wait(device) -> int:
    """Whole seconds before the device takes a code again after wrong ones; 0 if now."""
    allowed, details = device.verify_is_allowed()
    if allowed or not details or "locked_until" not in details:
        return 0
    return max(1, math.ceil((details["locked_until"] - timezone.now()).total_seconds()))


def qr_key(config_url: str) -> str:
    """The cache key of an enrolment code: a digest of its URL, never the secret in it."""
    return "two-factor-qr:" + hashlib.sha256(config_url.encode()).hexdigest()


def qr_code(config_url: str) -> str:
    """The enrolment code as inline SVG. Choosing the QR mask takes about 10 ms, so the
    drawing is kept for a quarter of an hour: the page shown again after a mistyped code,
    or reloaded, does not draw it again (in the same server process: the default cache is
    each process's memory). The drawing is as sensitive as the secret it encodes: it is
    dropped when the device is confirmed, and a new device has a new secret and so a new
    drawing."""
    key = qr_key(config_url)
    svg = cache.get(key)
    if svg is None:
        svg = segno.make(config_url, error="m").svg_inline(scale=4, omitsize=True)
        cache.set(key, svg, QR_SECONDS)
    return svg


def _new_backup_codes(user) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Backup codes")
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def verify(request):
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"].strip().replace(" ", "")
        # After a wrong code django-otp refuses even the right one for a while. The wait
        # said is that of the device the code is for (an app's code is its digits, a
        # backup code is not), as it stood before this code was tried: trying it starts
        # a new wait on every device.
        devices = list(devices_for_user(request.user, confirmed=True))
        app_lengths = {d.digits for d in devices if isinstance(d, TOTPDevice)}
        from_app = token.isdigit() and len(token) in app_lengths
        wait = max(
            (_seconds_to_wait(d) for d in devices if isinstance(d, TOTPDevice) == from_app),
            default=0,
        )
        device = match_token(request.user, token)
        if device is None:
            if wait:
                form.add_error(
                    "token",
                    f"That code was not accepted: after a wrong code, wait {wait} "
                    f"second{pluralize(wait)} and try again.",
                )
            else:
                form.add_error("token", "That code is not valid.")
        else:
            # Signed in: the wrong codes before no longer count on any device (django-otp
            # resets only the device that matched, so each typo made the backup codes'
            # wait double from one sign-in to the next). Updated in place: these copies
            # were read before the code was tried, and saving one would write back the
            # app's last used time step, which refuses a code used twice.
            for other in devices:
                if other.throttling_failure_count:
                    type(other).objects.filter(pk=other.pk).update(
                        throttling_failure_count=0, throttling_failure_timestamp=None
                    )
            _signed_in_with_second_factor(request, device)
            return redirect(_safe_next(request))
    return render(request, "core/two_factor_verify.html", {"form": form})


def security(request):
    user = request.user
    return render(
        request,
        "core/security.html",
        {
            "enrolled": _confirmed(user),
            "verified": user.is_verified(),
            "backup_left": StaticToken.objects.filter(device__user=user).count(),
        },
    )


@require_POST
def sign_out_everywhere(request):
    """End every session of this user, on every browser, then this one."""
    user_id = str(request.user.pk)
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == user_id:
            session.delete()
            ended += 1
    logout(request)
    messages.success(request, f"Signed out of {ended} session(s).")
    return redirect("login")
