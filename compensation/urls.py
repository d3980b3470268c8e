from django.urls import path

from . import views

app_name = "compensation"
urlpatterns = [
    path("officers/", views.RosterView.as_view(), name="roster"),
    path("people/<int:pk>/", views.PersonDetailView.as_view(), name="person"),
    path("people/names.json", views.person_names, name="person-names"),
    path("records/<int:pk>/approve/", views.approve_officer_year, name="approve"),
    path("records/<int:pk>/approve-bonus/", views.approve_bonus, name="approve-bonus"),
    path("records/<int:pk>/return/", views.return_proposal, name="return"),
    path("records/reopen/", views.reopen_officer_year, name="reopen"),
]
