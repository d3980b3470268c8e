"""Change history for auditors and the committee: who changed what, when, field by field.

Every page reads the change log (workspace.models.Change, written by workspace/changes.py
as changes are made): a page of changes is two queries (the count and the page) whatever
the number of changes, searched (?q=: the record, the person, the user), filtered (kind
of record, user, what was done, dates) and exported as CSV or Excel (?_export=csv|xlsx).
"""

from datetime import datetime, time, timedelta

from django import forms
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from core.forms import DateInput
from reports.base import Column, Report
from reports.views import export_response

from .changes import KINDS
from .models import Change

PER_PAGE = 50
MAX_QUERY = 200


def history_permission(model) -> str:
    return f"{model._meta.app_label}.view_historical{model._meta.model_name}"


def can_view_history(user) -> bool:
    return all(user.has_perm(history_permission(apps.get_model(label))) for label in KINDS)


def kind_choices() -> list[tuple[str, str]]:
    names = [(label, str(apps.get_model(label)._meta.verbose_name)) for label in KINDS]
    return [("", "Every kind of record")] + sorted(names, key=lambda choice: choice[1])


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.get_username()


class HistoryFilterForm(forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=MAX_QUERY,
        help_text="A name, a record (e.g. 2005-07-13) or a user.",
    )
    kind = forms.ChoiceField(label="Kind of record", required=False, choices=kind_choices)
    user = UserChoiceField(
        label="User", required=False, queryset=get_user_model().objects.none(), empty_label="Anyone"
    )
    action = forms.ChoiceField(
        label="What was done",
        required=False,
        choices=[("", "Added, changed or deleted"), *Change.Action.choices],
    )
    start = forms.DateField(label="From", required=False, widget=DateInput())
    end = forms.DateField(label="To", required=False, widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user_field = self.fields["user"]
        assert isinstance(user_field, forms.ModelChoiceField)
        user_field.queryset = (
            get_user_model()
            .objects.filter(pk__in=Change.objects.values("user_id"))
            .order_by("username")
        )
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", f"{css} form-control-sm")

    def clean(self):
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", "The end date must be on or after the start date.")
        return data


def filtered(data: dict) -> QuerySet[Change]:
    """The changes that match the form's cleaned data, newest first."""
    changes = Change.objects.all()
    if text := (data.get("q") or "").strip():
        changes = changes.filter(
            Q(subject__icontains=text) | Q(person__icontains=text) | Q(user_name__icontains=text)
        )
    if data.get("kind"):
        changes = changes.filter(record_type=data["kind"])
    if data.get("user"):
        changes = changes.filter(user=data["user"])
    if data.get("action"):
        changes = changes.filter(action=data["action"])
    # Dates are the company's days: from the start of `start` to the end of `end`.
    zone = timezone.get_current_timezone()
    if data.get("start"):
        changes = changes.filter(at__gte=datetime.combine(data["start"], time.min, zone))
    if data.get("end"):
        after = data["end"] + timedelta(days=1)
        changes = changes.filter(at__lt=datetime.combine(after, time.min, zone))
    return changes.order_by("-at", "-id")


def details_text(change: Change) -> str:
    if change.is_change:
        return "; ".join(
            f"{field}: {old or '(empty)'} → {new or '(empty)'}"
            for field, old, new in change.details
        )
    return "; ".join(f"{field}: {value}" for field, value in change.details)


class ChangeList(Report):
    """The filtered change log as a report, for the CSV and Excel exports."""

    name = "change-history"
    title = "Change history"
    description = "Every change to compensation and equity records, newest first."
    form_class = HistoryFilterForm
    columns = [
        Column("at", "When"),
        Column("user", "Who"),
        Column("action", "What was done"),
        Column("kind", "Kind of record"),
        Column("subject", "Record"),
        Column("person", "Person"),
        Column("details", "Values or changes"),
        Column("reason", "Reason"),
    ]

    def rows(self):
        for change in filtered(self.params).iterator(chunk_size=2000):
            yield {
                "at": f"{timezone.localtime(change.at):%Y-%m-%d %H:%M:%S %Z}",
                "user": change.user_name or "(system)",
                "action": change.get_action_display(),
                "kind": change.kind,
                "subject": change.subject,
                "person": change.person,
                "details": details_text(change),
                "reason": change.reason,
            }

    def parameters(self) -> list[tuple[str, str]]:
        """The filters applied, as the page's form shows them."""
        form = HistoryFilterForm()
        shown = []
        for key, value in self.params.items():
            if value in (None, ""):
                continue
            field = form.fields[key]
            if key == "kind":
                value = dict(kind_choices()).get(value, value)
            elif key == "action":
                value = Change.Action(value).label
            elif key == "user":
                value = field.label_from_instance(value)  # type: ignore[attr-defined]
            elif hasattr(value, "isoformat"):
                value = value.isoformat()
            shown.append((str(field.label), str(value)))
        return shown


def history_index(request):
    if not can_view_history(request.user):
        raise PermissionDenied
    form = HistoryFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    export = request.GET.get("_export")
    if export in ("csv", "xlsx") and not (form.is_bound and form.errors):
        return export_response(ChangeList(data), export)
    page = Paginator(filtered(data), PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("_export", None)
    return render(
        request,
        "workspace/history_index.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "unfiltered": form.is_bound and not form.is_valid(),
        },
    )


def object_history(request, model: str, pk: int):
    label = next((m for m in KINDS if m.split(".")[1] == model), None)
    if label is None:
        raise Http404("No history for that kind of record.")
    model_class = apps.get_model(label)
    if not request.user.has_perm(history_permission(model_class)):
        raise PermissionDenied
    own = Q(record_type=label, object_id=pk)
    # A grant's or award's history includes its installments, exercises and valuations.
    changes = list(
        Change.objects.filter(own | Q(owner_type=label, owner_id=pk)).order_by("-at", "-id")
    )
    mine = [c for c in changes if c.record_type == label]
    if not mine:
        raise Http404("No history for that record.")
    return render(
        request,
        "workspace/object_history.html",
        {
            "title": f"{model_class._meta.verbose_name.capitalize()}: {mine[0].subject}",
            "changes": changes,
        },
    )
