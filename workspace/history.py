"""Change history for auditors and the committee: who changed what, when, field by field."""

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render

HISTORY_MODELS = [
    "compensation.Person",
    "compensation.OfficerYear",
    "compensation.Footnote",
    "grants.StockPlan",
    "grants.OptionGrant",
    "grants.VestingInstallment",
    "grants.Exercise",
    "grants.StockAward",
    "grants.AwardInstallment",
    "grants.AwardVesting",
    "grants.StockPrice",
    "grants.RegistrationPeriod",
    "grants.ValuationDefaults",
    "grants.GrantValuation",
]
ACTIONS = {"+": "added", "~": "changed", "-": "deleted"}


def history_permission(model) -> str:
    return f"{model._meta.app_label}.view_historical{model._meta.model_name}"


def can_view_history(user) -> bool:
    return all(user.has_perm(history_permission(apps.get_model(m))) for m in HISTORY_MODELS)


def describe(record) -> dict:
    """One history record with its field-by-field difference from the previous one."""
    changes = []
    previous = record.prev_record
    if previous is not None and record.history_type == "~":
        # Every tracked field, including ones the forms never edit (the stored deadline):
        # simple-history's own diff leaves non-editable fields out.
        for field in record.tracked_fields:
            old, new = getattr(previous, field.attname), getattr(record, field.attname)
            if old != new:
                changes.append({"field": field.verbose_name, "old": old, "new": new})
    return {
        "record": record,
        "model": record.instance_type._meta.verbose_name,
        "action": ACTIONS[record.history_type],
        "changes": changes,
    }


def history_index(request):
    if not can_view_history(request.user):
        raise PermissionDenied
    records = []
    for label in HISTORY_MODELS:
        model = apps.get_model(label)
        records += list(model.history.select_related("history_user").order_by("-history_date")[:50])
    records.sort(key=lambda r: r.history_date, reverse=True)
    entries = [
        {
            "record": r,
            "model": r.instance_type._meta.verbose_name,
            "model_key": r.instance_type._meta.model_name,
            "action": ACTIONS[r.history_type],
        }
        for r in records[:100]
    ]
    return render(request, "workspace/history_index.html", {"entries": entries})


def object_history(request, model: str, pk: int):
    label = next((m for m in HISTORY_MODELS if m.split(".")[1].lower() == model), None)
    if label is None:
        raise Http404("No history for that kind of record.")
    model_class = apps.get_model(label)
    if not request.user.has_perm(history_permission(model_class)):
        raise PermissionDenied
    records = list(
        model_class.history.filter(id=pk).select_related("history_user").order_by("-history_date")
    )
    if not records:
        raise Http404("No history for that record.")
    return render(
        request,
        "workspace/object_history.html",
        {
            "title": f"{model_class._meta.verbose_name.capitalize()}: {records[0]}",
            "entries": [describe(r) for r in records],
        },
    )
