"""Changing a grant or an award in the app: the new-grant and new-award pages, filled with
the record's terms and installments. The models decide: a change to a material term or to
the installments of an approved grant returns it to awaiting approval, and a change the
recorded exercises (or confirmed vestings) would contradict is refused with a message."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required

from core.access import get_object_for_user

from ..forms import AwardForm, GrantForm
from ..models import OptionGrant, StockAward
from .entry import enter_with_installments
from .valuation import value_after_entry


def _approval_notice(request, holding, was_approved: bool) -> None:
    if was_approved and holding.approved_at is None:
        messages.warning(
            request,
            "The committee's approval was withdrawn: the change awaits its approval again.",
        )


@permission_required("grants.change_optiongrant", raise_exception=True)
def edit_grant(request, pk: int):
    grant = get_object_for_user(
        request.user,
        OptionGrant.objects.select_related("optionee", "plan"),
        "grants.change_optiongrant",
        pk=pk,
    )
    was_approved = grant.approved_at is not None
    title = str(grant)

    def after_save(request, saved: OptionGrant) -> None:
        _approval_notice(request, saved, was_approved)
        current = saved.valuations.order_by("-valued_at", "-pk").first()
        if current is None or not current.is_current():
            # The terms the grant was valued on changed: value it on the new ones.
            value_after_entry(request, saved)

    return enter_with_installments(
        request,
        form_class=GrantForm,
        template="grants/grant_edit.html",
        missing_shares="Enter the total shares before generating a schedule.",
        after_save=after_save,
        instance=grant,
        context={"record": grant, "title": title, "was_approved": was_approved},
    )


@permission_required("grants.change_stockaward", raise_exception=True)
def edit_award(request, pk: int):
    award = get_object_for_user(
        request.user,
        StockAward.objects.select_related("recipient", "plan"),
        "grants.change_stockaward",
        pk=pk,
    )
    was_approved = award.approved_at is not None

    def after_save(request, saved: StockAward) -> None:
        _approval_notice(request, saved, was_approved)

    return enter_with_installments(
        request,
        form_class=AwardForm,
        template="grants/award_edit.html",
        missing_shares="Enter the shares or units before generating a schedule.",
        after_save=after_save,
        instance=award,
        context={"record": award, "title": str(award), "was_approved": was_approved},
    )
