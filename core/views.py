from django.shortcuts import render

from compensation.models import OfficerYear


def home(request):
    """The signed-in user's start page; what it offers depends on the role."""
    context = {"latest_year": None, "proposals": []}
    if request.user.has_perm("compensation.view_officeryear"):
        context["latest_year"] = (
            OfficerYear.objects.order_by("-fiscal_year").values_list("fiscal_year", flat=True)
        ).first()
    if request.user.has_perm("compensation.approve_officeryear"):
        context["proposals"] = list(
            OfficerYear.objects.filter(status=OfficerYear.Status.PROPOSED)
            .select_related("person")
            .order_by("-fiscal_year", "person__name")[:20]
        )
    return render(request, "core/home.html", context)
