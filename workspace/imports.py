from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render

from compensation.imports import OPTIONAL as OFFICER_OPTIONAL
from compensation.imports import REQUIRED as OFFICER_REQUIRED
from compensation.imports import import_officer_years
from core.imports import LIMITS, too_large_message
from grants.imports import AWARD_OPTIONAL, AWARD_REQUIRED, import_awards, import_grants
from grants.imports import OPTIONAL as GRANT_OPTIONAL
from grants.imports import REQUIRED as GRANT_REQUIRED

# Kind -> (label, permission, importer, required columns, optional columns); the
# import_data command offers the same kinds.
KINDS = {
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


def import_data(request):
    """Upload, preview every row's errors, and import all rows or none."""
    allowed = [k for k, v in KINDS.items() if request.user.has_perm(v[1])]
    if not allowed:
        raise PermissionDenied
    form = ImportForm(
        request.POST or None,
        request.FILES or None,
        oversized="file" in getattr(request, "oversized_uploads", ()),
    )
    result = None
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        label, perm, importer, _, _ = KINDS[kind]
        if not request.user.has_perm(perm):
            raise PermissionDenied
        commit = "commit" in request.POST
        # Grants imported are valued, by the user who imports them.
        extra = {"by": request.user} if kind == "grants" else {}
        try:
            result = importer(form.cleaned_data["file"], commit=commit, **extra)
        except ValidationError as error:
            form.add_error("file", error)
        else:
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
    return render(
        request,
        "workspace/import.html",
        {
            "form": form,
            "result": result,
            "kinds": [(KINDS[k][0], KINDS[k][3], KINDS[k][4]) for k in allowed],
        },
    )
