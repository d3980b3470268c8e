"""Two-factor sign-in with TOTP (django-otp) and one-time backup codes."""

import base64

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.sessions.models import Session
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

BACKUP_CODES = 10


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Code",
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class EnrolForm(TokenForm):
    password = forms.CharField(
        label="Your password",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        required=False,
        help_text="Needed to replace a device you already have.",
    )


def _safe_next(request, default="home"):
    target = request.GET.get("next") or request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _confirmed(user) -> bool:
    return any(devices_for_user(user, confirmed=True))


def setup(request):
    """Enrol an authenticator app: scan the code, type a code to confirm, get backup codes.
    Replacing an enrolled device asks for the password again."""
    user = request.user
    replacing = _confirmed(user)
    device = TOTPDevice.objects.filter(
        user=user, confirmed=False
    ).first() or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if replacing and not user.check_password(form.cleaned_data["password"]):
            form.add_error("password", "Your password is needed to replace a device.")
        elif not device.verify_token(form.cleaned_data["token"].strip()):
            form.add_error(
                "token", "That code does not match; check the app's clock and try again."
            )
        else:
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            device.confirmed = True
            device.save()
            otp_login(request, device)
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
            "qr": segno.make(device.config_url, error="m").svg_inline(scale=4, omitsize=True),
            "config_url": device.config_url,
        },
    )


def _new_backup_codes(user) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Backup codes")
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def verify(request):
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"].strip().replace(" ", ""))
        if device is None:
            form.add_error("token", "That code is not valid.")
        else:
            otp_login(request, device)
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
