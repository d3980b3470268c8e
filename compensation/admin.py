from django import forms
from django.contrib import admin

from core.admin_history import ReadOnlyHistoryAdmin

from .entry_forms import RECORD_FIELDS
from .models import Footnote, OfficerYear, Person

APPROVAL_FIELDS = (
    "status",
    "approved_by",
    "approved_at",
    "approval_meeting",
    "returned_comment",
    "bonus_status",
    "bonus_approved_by",
    "bonus_approved_at",
    "bonus_approval_meeting",
    "bonus_returned_comment",
)


class OfficerYearAdminForm(forms.ModelForm):
    """An approved record is effective: its footnotes, like its figures, change only
    after it is returned to proposed (the model's clean() guards the figures)."""

    class Meta:
        model = OfficerYear
        fields = ["person", *RECORD_FIELDS]

    def clean(self):
        super().clean()
        data = self.cleaned_data  # what super().clean() returns
        record = self.instance
        if record.pk and record.status == OfficerYear.Status.APPROVED and "footnotes" in data:
            stored = set(record.footnotes.values_list("pk", flat=True))
            if {f.pk for f in data["footnotes"]} != stored:
                raise forms.ValidationError(
                    "This record is approved. Return it to proposed before changing its "
                    "footnotes; the change history keeps both the approval and the return."
                )
        return data


class OfficerYearInline(admin.TabularInline):
    model = OfficerYear
    form = OfficerYearAdminForm
    extra = 0
    fields = (
        "fiscal_year",
        "title",
        "is_peo",
        "is_pfo",
        "base_salary",
        "bonus",
        "other_compensation",
        "footnotes",
        *APPROVAL_FIELDS,
    )
    # Approval happens only through the committee's approve action, never by editing.
    readonly_fields = APPROVAL_FIELDS
    ordering = ("-fiscal_year",)


@admin.register(Person)
class PersonAdmin(ReadOnlyHistoryAdmin):
    list_display = ("name", "terminated_on", "termination_reason")
    list_filter = ("termination_reason",)
    search_fields = ("name", "officer_years__title")
    inlines = [OfficerYearInline]
    fieldsets = [
        (None, {"fields": ["name"]}),
        (
            "Termination of service",
            {
                "fields": ["terminated_on", "termination_reason", "short_swing_liability_until"],
                "description": "Ending service limits the person's options to the shares "
                "vested on that date and starts the post-termination window.",
            },
        ),
    ]


@admin.register(Footnote)
class FootnoteAdmin(ReadOnlyHistoryAdmin):
    list_display = ("marker", "text")
    search_fields = ("text",)


@admin.register(OfficerYear)
class OfficerYearAdmin(ReadOnlyHistoryAdmin):
    form = OfficerYearAdminForm
    list_display = (
        "person",
        "fiscal_year",
        "title",
        "is_peo",
        "is_pfo",
        "base_salary",
        "bonus_display",
        "other_compensation_display",
        "status",
        "bonus_status",
    )
    list_filter = ("fiscal_year", "status", "bonus_status", "is_peo", "is_pfo")
    search_fields = ("person__name", "title")
    list_select_related = ("person",)
    autocomplete_fields = ("person",)
    filter_horizontal = ("footnotes",)
    readonly_fields = APPROVAL_FIELDS

    @admin.display(description="Bonus", ordering="bonus")
    def bonus_display(self, obj: OfficerYear) -> str:
        return "n/a" if obj.bonus is None else f"{obj.bonus:,}"

    @admin.display(description="All other compensation", ordering="other_compensation")
    def other_compensation_display(self, obj: OfficerYear) -> str:
        return "n/a" if obj.other_compensation is None else f"{obj.other_compensation:,}"
