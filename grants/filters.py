import django_filters

from core.forms import DateInput

from .models import GrantStatus, OptionGrant, StockPlan


class GrantFilter(django_filters.FilterSet):
    plan = django_filters.ModelChoiceFilter(queryset=StockPlan.objects.all())
    # A name search, not a list: a company has thousands of option holders.
    optionee = django_filters.CharFilter(
        field_name="optionee__name", lookup_expr="icontains", label="Person"
    )
    # `status` is annotated by OptionGrantQuerySet.with_status(as_of).
    status = django_filters.ChoiceFilter(
        field_name="status", choices=GrantStatus.choices, label="Status"
    )
    as_of = django_filters.DateFilter(
        label="As of",
        method="keep",
        widget=DateInput(),
        help_text="Vesting figures and status on this date (default: today).",
    )

    class Meta:
        model = OptionGrant
        fields = ["plan", "optionee", "status"]

    def keep(self, queryset, name, value):
        # The view reads the date and annotates the queryset with it.
        return queryset
