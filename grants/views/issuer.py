"""The issuer's facts the Open Cap Format export needs: everyone reads them, compensation
admins record and correct them."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.forms import modelform_factory
from django.shortcuts import redirect, render

from core.forms import bounded_number_formfield

from ..models import Issuer

FIELDS = [
    "legal_name",
    "country_of_formation",
    "state_of_formation",
    "formation_date",
    "formation_date_illustrative",
    "common_shares_authorized",
]


def issuer_form(*args, **kwargs):
    form_class = modelform_factory(
        Issuer, fields=FIELDS, formfield_callback=bounded_number_formfield
    )
    form = form_class(*args, **kwargs)
    form.fields["formation_date"].widget.input_type = "date"
    return form


@permission_required("grants.view_issuer", raise_exception=True)
def issuer(request):
    recorded = Issuer.recorded()
    needed = "grants.add_issuer" if recorded is None else "grants.change_issuer"
    may_edit = request.user.has_perm(needed)
    form = None
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        form = issuer_form(request.POST, instance=recorded or Issuer())
        if form.is_valid():
            saved = form.save()
            messages.success(request, f"Saved the issuer's facts ({saved.legal_name}).")
            return redirect("grants:issuer")
    elif may_edit:
        form = issuer_form(instance=recorded or Issuer())
    return render(request, "grants/issuer.html", {"issuer": recorded, "form": form})
