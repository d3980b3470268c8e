from django.urls import path

from . import history, import_views, two_factor, views

urlpatterns = [
    path("", views.home, name="home"),
    path("imports/", import_views.import_data, name="import"),
    path("history/", history.history_index, name="history"),
    path("history/<slug:model>/<int:pk>/", history.object_history, name="object-history"),
    path("account/", two_factor.security, name="security"),
    path("account/two-factor/setup/", two_factor.setup, name="two-factor-setup"),
    path("account/two-factor/verify/", two_factor.verify, name="two-factor-verify"),
    path(
        "account/sign-out-everywhere/", two_factor.sign_out_everywhere, name="sign-out-everywhere"
    ),
]
