from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from compensation.admin import PersonAdmin
from compensation.models import Person
from core.admin_history import ReadOnlyHistoryAdmin
from core.templatetags.money import format_money

from .forms import (
    RATE_FIELDS,
    EndOfServiceChecks,
    ExerciseForm,
    InstallmentFormSet,
    OptionGrantAdminForm,
    RateField,
    StockAwardAdminForm,
    ValuationDefaultsForm,
    VestingScheduleForm,
)
from .models import (
    AwardInstallment,
    AwardVesting,
    Exercise,
    GrantValuation,
    Issuer,
    OptionGrant,
    RegistrationPeriod,
    StockAward,
    StockPlan,
    StockPrice,
    ValuationDefaults,
    VestingInstallment,
)
from .models.service import DEADLINE_FIELDS, record_end_of_service
from .templatetags.valuation import format_per_option


@admin.register(StockPlan)
class StockPlanAdmin(ReadOnlyHistoryAdmin):
    list_display = (
        "name",
        "shares_reserved",
        "minimum_exercise_shares",
        "post_termination_months",
        "disability_months",
        "death_months",
    )
    search_fields = ("name",)


@admin.register(Issuer)
class IssuerAdmin(ReadOnlyHistoryAdmin):
    list_display = (
        "legal_name",
        "country_of_formation",
        "state_of_formation",
        "formation_date",
        "formation_date_illustrative",
        "common_shares_authorized",
    )

    def has_add_permission(self, request) -> bool:
        # One record: once it exists, it is edited, not added again.
        return super().has_add_permission(request) and not Issuer.objects.exists()


@admin.register(StockPrice)
class StockPriceAdmin(ReadOnlyHistoryAdmin):
    list_display = ("date", "price")
    date_hierarchy = "date"
    search_fields = ("date",)


@admin.register(RegistrationPeriod)
class RegistrationPeriodAdmin(ReadOnlyHistoryAdmin):
    list_display = ("start_date", "end_date", "basis")
    search_fields = ("basis",)


class VestingInstallmentInline(admin.TabularInline):
    model = VestingInstallment
    formset = InstallmentFormSet
    extra = 0
    ordering = ("vest_date",)


class ExerciseInline(admin.TabularInline):
    model = Exercise
    extra = 0
    can_delete = False
    fields = (
        "sequence",
        "exercise_date",
        "shares",
        "payment_method",
        "aggregate_price",
        "fair_market_value",
        "spread",
        "reversed_at",
        "reversed_by",
        "reversal_reason",
    )
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


VALUATION_FIELDS = (
    "valued_at",
    "valued_by",
    "value_per_option",
    "fair_value",
    "closing_price",
    "exercise_price",
    "volatility",
    "risk_free_rate",
    "dividend_yield",
    "expected_term",
    "simplified_term",
    "from_defaults",
)


class RatesAsDecimalsOrPercentages:
    """The admin builds its form fields itself (ModelAdmin.formfield_for_dbfield), past
    the form's Meta.formfield_callback: rates take "35%" here too."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in RATE_FIELDS:
            kwargs["form_class"] = RateField
        return super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]


def valuations_list(valuations) -> str:
    """Valuations as a read-only list, newest first (a read-only field, not an inline: an
    inline would add a formset every save of the page must carry)."""
    rows = [
        (
            f"{v.valued_at:%Y-%m-%d %H:%M}",
            f" by {v.valued_by}" if v.valued_by else "",
            v.grant,
            format_per_option(v.value_per_option),
            format_money(v.fair_value),
            v.source,
        )
        for v in valuations.select_related("valued_by", "grant__optionee", "defaults").order_by(
            "-valued_at", "-pk"
        )[:VALUATIONS_SHOWN]
    ]
    if not rows:
        return "None"
    return format_html(
        "<ul>{}</ul>",
        format_html_join("", "<li>{}{}: {}: {} per option, {} ({})</li>", rows),
    )


VALUATIONS_SHOWN = 50


class ListedOnly:
    """An admin that lists and shows records kept by the app itself (valuations, confirmed
    vestings), which nobody adds, changes or deletes here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ValuationDefaults)
class ValuationDefaultsAdmin(RatesAsDecimalsOrPercentages, ReadOnlyHistoryAdmin):
    """Admins enter proposed defaults; the committee approves them in the app (an approval
    names its meeting). Approved defaults are effective and read-only here: they change
    only after being returned to proposed (ValuationDefaults.clean() refuses too)."""

    form = ValuationDefaultsForm
    list_display = (
        "fiscal_year",
        "volatility",
        "risk_free_rate",
        "dividend_yield",
        "expected_term",
        "approved_at",
        "approval_meeting",
    )
    list_select_related = ("approved_by",)
    fields = (
        "fiscal_year",
        "volatility",
        "risk_free_rate",
        "dividend_yield",
        "expected_term",
        "basis",
        "approved_by",
        "approved_at",
        "approval_meeting",
        "valuations_made",
    )
    APPROVAL = ("approved_by", "approved_at", "approval_meeting", "valuations_made")

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_approved:
            return self.fields
        return self.APPROVAL

    @admin.display(description="Valuations that used these defaults (newest first)")
    def valuations_made(self, obj: ValuationDefaults) -> str:
        return valuations_list(obj.valuations) if obj.pk else "None"

    def has_delete_permission(self, request, obj=None):
        # Valuations keep the defaults they used (PROTECT); proposed ones go by superusers.
        return request.user.is_superuser and (obj is None or not obj.is_approved)


@admin.register(GrantValuation)
class GrantValuationAdmin(ListedOnly, ReadOnlyHistoryAdmin):
    """Valuations are made by value_grant() and never changed: the list reads them."""

    list_display = ("grant", "valued_at", "valued_by", "value_per_option", "fair_value")
    list_select_related = ("grant__optionee", "valued_by")
    search_fields = ("grant__optionee__name",)
    date_hierarchy = "valued_at"
    readonly_fields = ("grant", "grant_date", "shares", "expiration_date", "defaults") + (
        VALUATION_FIELDS
    )


@admin.register(OptionGrant)
class OptionGrantAdmin(RatesAsDecimalsOrPercentages, ReadOnlyHistoryAdmin):
    form = OptionGrantAdminForm
    list_display = (
        "optionee",
        "plan",
        "grant_date",
        "shares",
        "exercise_price",
        "option_type",
        "expiration_date",
        "deadline",
    )
    list_filter = ("plan", "option_type")
    search_fields = ("optionee__name",)
    list_select_related = ("optionee", "plan")
    autocomplete_fields = ("optionee",)
    date_hierarchy = "grant_date"
    # Approval happens only through the committee's approve page, never by editing.
    readonly_fields = (
        "deadline",
        "valuations_made",
        "approved_by",
        "approved_at",
        "approval_meeting",
    )
    inlines = [VestingInstallmentInline, ExerciseInline]
    fieldsets = [
        (None, {"fields": ["plan", "optionee", "option_type", "notes"]}),
        (
            "Terms",
            {"fields": ["grant_date", "shares", "exercise_price", "expiration_date", "deadline"]},
        ),
        (
            "Exercise and termination (empty: the plan's defaults)",
            {
                "fields": [
                    "minimum_exercise_shares",
                    "post_termination_months",
                    "disability_months",
                    "death_months",
                ]
            },
        ),
        (
            "Authorization",
            {
                "fields": [
                    "authorized_by",
                    "authorized_on",
                    "acknowledged_on",
                    "approved_by",
                    "approved_at",
                    "approval_meeting",
                ]
            },
        ),
        (
            "Valuation assumptions (empty: the fiscal year's approved default)",
            {"fields": [*OptionGrant.ASSUMPTION_FIELDS, "valuations_made"]},
        ),
    ]

    @admin.display(description="Valuations (newest first; value a grant on its page)")
    def valuations_made(self, obj: OptionGrant) -> str:
        return valuations_list(obj.valuations) if obj.pk else "None"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        installments = [f for f in formsets if f.model is VestingInstallment]
        if change and any(f.has_changed() for f in installments):
            form.instance.withdraw_approval_for_installments()

    def get_urls(self):
        return [
            path(
                "<int:pk>/schedule/",
                self.admin_site.admin_view(self.schedule_view),
                name="grants_optiongrant_schedule",
            ),
            *super().get_urls(),
        ]

    def schedule_view(self, request, pk: int):
        """Fill a grant's installments from a schedule: preview, then replace."""
        grant = get_object_or_404(OptionGrant.objects.select_related("optionee"), pk=pk)
        if not self.has_change_permission(request, grant):
            raise PermissionDenied
        form = VestingScheduleForm(
            request.POST or None,
            total_shares=grant.shares,
            grant_date=grant.grant_date,
        )
        rows, error = None, None
        if request.method == "POST" and form.is_valid():
            rows = form.rows()
            try:
                if grant.exercises.filter(reversed_at__isnull=True).exists():
                    raise ValidationError(
                        "This grant has exercises: its installments are kept as they are."
                    )
                grant.validate_installments(rows)
            except ValidationError as problem:
                error, rows = " ".join(problem.messages), rows
            else:
                if "replace" in request.POST:
                    grant.set_installments(rows)
                    self.log_change(request, grant, "Installments filled from a schedule.")
                    self.message_user(request, f"{len(rows)} installments saved.", messages.SUCCESS)
                    return redirect(reverse("admin:grants_optiongrant_change", args=[grant.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Fill installments from a schedule: {grant}",
            "grant": grant,
            "form": form,
            "rows": rows,
            "error": error,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/grants/optiongrant/schedule.html", context)


@admin.register(Exercise)
class ExerciseAdmin(ReadOnlyHistoryAdmin):
    """Exercises are recorded through OptionGrant.exercise() and never edited."""

    form = ExerciseForm
    list_display = (
        "grant",
        "exercise_date",
        "shares",
        "payment_method",
        "aggregate_price",
        "spread",
        "reversed_at",
    )
    list_filter = ("payment_method", ("reversed_at", admin.EmptyFieldListFilter))
    search_fields = ("grant__optionee__name",)
    list_select_related = ("grant__optionee",)
    autocomplete_fields = ("grant",)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        # A reversal is recorded on the grant page (Exercise.reverse()) and shown here.
        if obj is None:
            return ()
        return ("reversed_at", "reversed_by", "reversal_reason")

    def save_model(self, request, obj, form, change):
        # ExerciseForm.save() has recorded it through OptionGrant.exercise().
        pass

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The rules are checked again under the grant's row lock when the exercise is
        # saved: one recorded meanwhile (a second admin, a double submit) can refuse it
        # after the form was valid. That is a refusal to show, not a server error.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return redirect(request.get_full_path())


# The end of service is recorded by the grants layer: the people's admin checks it against
# the person's exercises and refreshes the exercise deadlines of their grants.
admin.site.unregister(Person)


@admin.register(Person)
class PersonWithEquityAdmin(PersonAdmin):
    form = EndOfServiceChecks

    def save_model(self, request, obj, form, change):
        if change and DEADLINE_FIELDS.intersection(form.changed_data):
            record_end_of_service(obj)
        else:
            super().save_model(request, obj, form, change)


# --- Restricted stock awards and units --------------------------------------------------------


class AwardInstallmentInline(admin.TabularInline):
    """Checked through StockAward.validate_installments() against the award as edited on
    the same page (InstallmentFormSet), as the grant's installments are."""

    model = AwardInstallment
    formset = InstallmentFormSet
    extra = 0
    ordering = ("vest_date",)


class AwardVestingInline(admin.TabularInline):
    """Confirmed on the vestings page through StockAward.confirm_vesting(); never edited."""

    model = AwardVesting
    extra = 0
    can_delete = False
    fields = ("vest_date", "shares", "shares_withheld", "confirmed_by", "confirmed_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


def award_installment_rows(award: StockAward) -> list:
    return list(
        AwardInstallment.objects.filter(award=award)
        .order_by("vest_date")
        .values_list("vest_date", "shares")
    )


@admin.register(StockAward)
class StockAwardAdmin(ReadOnlyHistoryAdmin):
    form = StockAwardAdminForm
    list_display = (
        "recipient",
        "plan",
        "award_type",
        "grant_date",
        "shares",
        "purchase_price",
        "election_83b",
        "approved_at",
    )
    list_filter = ("plan", "award_type", "election_83b")
    search_fields = ("recipient__name",)
    list_select_related = ("recipient", "plan")
    autocomplete_fields = ("recipient",)
    date_hierarchy = "grant_date"
    readonly_fields = ("approved_by", "approved_at", "approval_meeting")
    inlines = [AwardInstallmentInline, AwardVestingInline]
    fieldsets = [
        (None, {"fields": ["plan", "recipient", "award_type", "notes"]}),
        ("Terms", {"fields": ["grant_date", "shares", "purchase_price", "withholding_rate"]}),
        ("Section 83(b)", {"fields": ["election_83b", "election_83b_on"]}),
        (
            "Authorization",
            {
                "fields": [
                    "authorized_by",
                    "authorized_on",
                    "approved_by",
                    "approved_at",
                    "approval_meeting",
                ]
            },
        ),
    ]

    def save_related(self, request, form, formsets, change):
        before = award_installment_rows(form.instance) if change else None
        super().save_related(request, form, formsets, change)
        award = form.instance
        if change and award_installment_rows(award) != before:
            award.withdraw_approval_for_installments()


@admin.register(AwardVesting)
class AwardVestingAdmin(ListedOnly, ReadOnlyHistoryAdmin):
    """Vestings are confirmed through StockAward.confirm_vesting() and never edited here."""

    list_display = (
        "award",
        "vest_date",
        "shares",
        "shares_withheld",
        "net_shares",
        "confirmed_by",
        "confirmed_at",
    )
    search_fields = ("award__recipient__name",)
    list_select_related = ("award__recipient", "confirmed_by")
    date_hierarchy = "vest_date"
