"""The /imports/ page: upload a file, preview every row, import all rows or none. The
file previewed is kept (PendingImport) and "Import" names it: no second upload."""

import hashlib
from collections.abc import Callable
from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.shortcuts import render
from django.utils import timezone

from compensation.imports import OPTIONAL as OFFICER_OPTIONAL
from compensation.imports import REQUIRED as OFFICER_REQUIRED
from compensation.imports import import_officer_years
from core.imports import LIMITS, ImportResult, too_large_message
from grants.imports import AWARD_OPTIONAL, AWARD_REQUIRED, import_awards, import_grants
from grants.imports import OPTIONAL as GRANT_OPTIONAL
from grants.imports import REQUIRED as GRANT_REQUIRED

from .models import PendingImport

# How long a previewed file waits for "Import".
PENDING_IMPORT_HOURS = 1
GONE = (
    "This preview is no longer available: it was imported already, is more than "
    f"{PENDING_IMPORT_HOURS} hour old, or was uploaded by someone else. Upload the file again."
)

# Kind -> (label, permission, importer, required columns, optional columns); the
# import_data command offers the same kinds.
KINDS: dict[str, tuple[str, str, Callable[..., ImportResult], list[str], list[str]]] = {
    "officer_years": (
        "Officers' yearly compensation",
        "compensation.add_officeryear",
        import_officer_years,
        OFFICER_REQUIRED,
        OFFICER_OPTIONAL,
    ),
    "grants": (
        "Grants with their installments",
        "grants.add_optiongrant",
        import_grants,
        GRANT_REQUIRED,
        GRANT_OPTIONAL,
    ),
    "awards": (
        "Restricted stock awards and units",
        "grants.add_stockaward",
        import_awards,
        AWARD_REQUIRED,
        AWARD_OPTIONAL,
    ),
}


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label="What the file holds", choices=[(k, v[0]) for k, v in KINDS.items()]
    )
    file = forms.FileField(help_text=f"CSV (UTF-8) or Excel .xlsx, with a header row: {LIMITS}.")

    def __init__(self, *args, oversized: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if oversized:
            # The upload handler dropped the file at the limit: say so, not "required".
            self.fields["file"].error_messages["required"] = too_large_message()


class PendingForm(forms.Form):
    """ "Import" (or a new preview) of a file already previewed, by its id, with the names
    confirmed as new people."""

    pending = forms.IntegerField(min_value=1, max_value=2**63 - 1)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_pending(self) -> PendingImport:
        since = timezone.now() - timedelta(hours=PENDING_IMPORT_HOURS)
        found = PendingImport.objects.filter(
            pk=self.cleaned_data["pending"], user=self.user, created_at__gte=since
        ).first()
        if found is None:
            raise ValidationError(GONE)
        return found


def confirmed_names(request) -> list[str]:
    """The names ticked as new people (at most one per row a file may hold)."""
    return [name[:200] for name in request.POST.getlist("new_person")[:1000] if "\0" not in name]


def run(request, kind: str, content: bytes, filename: str, commit: bool, new_people=()):
    label, perm, importer, _, _ = KINDS[kind]
    if not request.user.has_perm(perm):
        raise PermissionDenied
    # Grants imported are valued, by the user who imports them.
    extra = {"by": request.user} if kind == "grants" else {}
    result = importer(
        ContentFile(content, name=filename), commit=commit, new_people=new_people, **extra
    )
    if result.committed:
        valued = ""
        if result.valued is not None:
            valued = (
                f" {result.valued} of them valued at grant-date fair value; a grant "
                "not valued says why on its page."
            )
        messages.success(request, f"Imported {result.created} record(s): {label}.{valued}")
    elif commit:
        messages.error(request, "Nothing was imported: correct the rows marked below.")
    return result


def keep(request, kind: str, content: bytes, filename: str) -> PendingImport:
    """Keep the file previewed for "Import"; files past their hour are deleted."""
    since = timezone.now() - timedelta(hours=PENDING_IMPORT_HOURS)
    PendingImport.objects.filter(created_at__lt=since).delete()
    return PendingImport.objects.create(
        user=request.user,
        kind=kind,
        filename=filename[:255],
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
    )


def import_data(request):
    """Upload and preview every row's errors (the file is kept), then import all rows or
    none from the kept file."""
    allowed = [k for k, v in KINDS.items() if request.user.has_perm(v[1])]
    if not allowed:
        raise PermissionDenied
    pending = None
    result = None
    commit = "commit" in request.POST
    if request.method == "POST" and "pending" in request.POST:
        form = ImportForm()
        named = PendingForm(request.POST, user=request.user)
        if not named.is_valid():
            messages.error(request, GONE)
        else:
            pending = named.cleaned_data["pending"]
            with transaction.atomic():
                if commit:
                    # Locked while it is imported, and deleted with the import: a second
                    # "Import" of the same file (a double click, another tab) waits, then
                    # finds it gone rather than importing it twice.
                    locked = PendingImport.objects.select_for_update().filter(pk=pending.pk)
                    pending = locked.first()
                if pending is None:
                    messages.error(request, GONE)
                else:
                    try:
                        result = run(
                            request,
                            pending.kind,
                            bytes(pending.content),
                            pending.filename,
                            commit,
                            confirmed_names(request),
                        )
                    except ValidationError as error:  # not after a preview; kept for safety
                        messages.error(request, " ".join(error.messages))
                    else:
                        if result.committed:
                            pending.delete()
                            pending = None
    else:
        form = ImportForm(
            request.POST or None,
            request.FILES or None,
            oversized="file" in getattr(request, "oversized_uploads", ()),
        )
        if request.method == "POST" and form.is_valid():
            kind, upload = form.cleaned_data["kind"], form.cleaned_data["file"]
            content = upload.read()
            try:
                result = run(request, kind, content, upload.name or "", commit)
            except ValidationError as error:
                form.add_error("file", error)
            else:
                if not result.committed:
                    pending = keep(request, kind, content, upload.name or "")
    return render(
        request,
        "workspace/import.html",
        {
            "form": form,
            "result": result,
            "pending": pending,
            "confirmed": set(confirmed_names(request)) if pending else set(),
            "kinds": [(KINDS[k][0], KINDS[k][3], KINDS[k][4]) for k in allowed],
        },
    )
