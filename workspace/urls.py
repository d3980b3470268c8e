from django.urls import path

from . import approvals, dashboard, history, imports, review

app_name = "workspace"
urlpatterns = [
    path("", dashboard.home, name="home"),
    path("imports/", imports.import_data, name="import"),
    path("history/", history.history_index, name="history"),
    path("history/<slug:model>/<int:pk>/", history.object_history, name="object-history"),
    # Paths kept from before these pages moved here from compensation and grants.
    path("compensation/review/", review.officer_review, name="review"),
    path("grants/approvals/", approvals.approvals, name="approvals"),
]
