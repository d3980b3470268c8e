from django.urls import path

from . import two_factor

urlpatterns = [
    path("account/", two_factor.security, name="security"),
    path("account/two-factor/setup/", two_factor.setup, name="two-factor-setup"),
    path("account/two-factor/verify/", two_factor.verify, name="two-factor-verify"),
    path(
        "account/sign-out-everywhere/", two_factor.sign_out_everywhere, name="sign-out-everywhere"
    ),
]
