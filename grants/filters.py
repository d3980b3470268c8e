import django_filters
from django import forms

from compensation.models import Person

from .models import GrantStatus, OptionGrant, StockPlan


class GrantFilter(django_filters.FilterSet):
    plan = django_filters.ModelChoiceFilter(queryset=StockPlan.objects.all())
    optionee = django_filters.ModelChoiceFilter(
        queryset=Person.objects.filter(option_grants__isnull=False).distinct(), label="Person"
    )
    # `status` is annotated by OptionGrantQuerySet.with_status(as_of).
    status = django_filters.ChoiceFilter(
        field_name="status", choices=GrantStatus.choices, label="Status"
    )
    as_of = django_filters.DateFilter(
        label="As of",
        method="keep",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Vesting figures and status on this date (default: today).",
    )

    class Meta:
        model = OptionGrant
        fields = ["plan", "optionee", "status"]

    def keep(self, queryset, name, value):
        # The view reads the date and annotates the queryset with it.
        return queryset
