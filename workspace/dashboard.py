from datetime import timedelta

from django.contrib.admin.models import LogEntry
from django.db.models import F, Q
from django.shortcuts import render
from django.utils import timezone

from compensation.models import OfficerYear
from grants.models import OptionGrant, VestingInstallment


def home(request):
    """The dashboard: what is coming up and what waits, by role. A fixed number of
    queries, whatever the number of grants."""
    user, today = request.user, timezone.localdate()
    context: dict[str, object] = {"today": today}
    if user.has_perm("grants.view_optiongrant"):
        soon = today + timedelta(days=90)
        context["upcoming_vests"] = list(
            VestingInstallment.objects.filter(vest_date__range=(today, soon))
            # Installments after a termination date never vest.
            .exclude(grant__optionee__terminated_on__lt=F("vest_date"))
            .select_related("grant__optionee")
            .order_by("vest_date", "grant__optionee__name")[:15]
        )
        # The deadline as known today (a termination dated later is not known yet) is
        # the stored deadline or the expiration date: the index narrows to those first.
        closing = list(
            OptionGrant.objects.filter(
                Q(deadline__range=(today, soon)) | Q(expiration_date__range=(today, soon)),
                grant_date__lte=today,
            )
            .select_related("optionee")
            .with_vesting_totals(today)
            .filter(exercisable__gt=0, deadline_as_of__range=(today, soon))
            .order_by("deadline_as_of", "pk")[:30]
        )
        month = today + timedelta(days=30)
        context["closing_30"] = [g for g in closing if g.deadline_as_of <= month]
        context["closing_90"] = [g for g in closing if g.deadline_as_of > month]
    if user.has_perm("compensation.view_officeryear"):
        # The year the roster opens on: the latest approved one, not a later proposal's.
        context["latest_year"] = OfficerYear.objects.default_year()
    if user.has_perm("compensation.approve_officeryear"):
        context["proposals"] = list(
            OfficerYear.objects.filter(status=OfficerYear.Status.PROPOSED)
            .select_related("person")
            .order_by("-fiscal_year", "person__name")[:20]
        )
    if user.has_perm("grants.approve_optiongrant"):
        context["grants_to_approve"] = list(
            OptionGrant.objects.awaiting_approval().select_related("optionee")[:20]
        )
    # Change history is for committee members and auditors; account administration
    # (users, groups) only for superusers.
    if user.has_perm("compensation.view_historicalperson"):
        entries = LogEntry.objects.select_related("user", "content_type")
        if not user.is_superuser:
            accounts = ("auth", "otp_totp", "otp_static")
            entries = entries.exclude(content_type__app_label__in=accounts)
        context["recent_changes"] = list(entries.order_by("-action_time")[:10])
    return render(request, "workspace/home.html", context)
