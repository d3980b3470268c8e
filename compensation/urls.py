from django.urls import path

from . import entry, views

app_name = "compensation"
urlpatterns = [
    path("officers/", views.RosterView.as_view(), name="roster"),
    path("officers/new/", entry.officer_create, name="officer-add"),
    path("people/new/", entry.person_create, name="person-add"),
    path("people/<int:pk>/", views.PersonDetailView.as_view(), name="person"),
    path("people/<int:pk>/edit/", entry.person_edit, name="person-edit"),
    path("people/<int:pk>/records/new/", entry.record_create, name="record-add"),
    path("records/<int:pk>/edit/", entry.record_edit, name="record-edit"),
    path("footnotes/", entry.FootnoteList.as_view(), name="footnotes"),
    path("footnotes/new/", entry.FootnoteCreate.as_view(), name="footnote-add"),
    path("footnotes/<int:pk>/edit/", entry.FootnoteUpdate.as_view(), name="footnote-edit"),
    path("people/names.json", views.person_names, name="person-names"),
    path("records/<int:pk>/approve/", views.approve_officer_year, name="approve"),
    path("records/<int:pk>/approve-bonus/", views.approve_bonus, name="approve-bonus"),
    path("records/<int:pk>/return/", views.return_proposal, name="return"),
    path("records/reopen/", views.reopen_officer_year, name="reopen"),
]
