from datetime import date
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from compensation.models import Footnote, OfficerYear, Person
from grants.models import OptionGrant, RegistrationPeriod, StockAward, StockPlan


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct-horse-battery-staple")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))


class FootnoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Footnote
        django_get_or_create = ("marker",)

    marker = factory.Sequence(lambda n: str(n + 1))
    text = "Please refer to the employment agreement."


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        django_get_or_create = ("name",)

    name = factory.Faker("name")


class OfficerYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OfficerYear

    person = factory.SubFactory(PersonFactory)
    fiscal_year = 2006
    title = "Chief Financial Officer"
    base_salary = Decimal("185000")
    bonus = None
    status = OfficerYear.Status.PROPOSED

    class Params:
        # OfficerYearFactory(approved=True): effective, as the committee left it.
        approved = factory.Trait(
            status=OfficerYear.Status.APPROVED,
            approved_at=factory.LazyFunction(timezone.now),
            approval_meeting="Compensation Committee",
        )


class StockPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StockPlan
        django_get_or_create = ("name",)

    name = "2000 Stock Option Plan"
    shares_reserved = 10_000_000


class RegistrationPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegistrationPeriod

    start_date = date(2000, 1, 1)
    end_date = None
    basis = "Form S-8 effective"


def make_grant(
    installments: list[tuple[date, int]] | None = None,
    *,
    optionee: Person | None = None,
    grant_date: date = date(2005, 7, 13),
    approved: bool = True,
    **fields,
) -> OptionGrant:
    """A grant saved with its installments through the model's own validation.

    Defaults: 10,000 shares at $2.99 vesting 2,500 a year from the grant date, approved by
    the committee (an option awaiting approval cannot be exercised); approved=False
    leaves it awaiting approval."""
    if installments is None:
        installments = [(date(grant_date.year + k, grant_date.month, 13), 2500) for k in range(4)]
    fields.setdefault("shares", sum(shares for _, shares in installments))
    fields.setdefault("exercise_price", Decimal("2.99"))
    fields.setdefault("expiration_date", date(grant_date.year + 10, grant_date.month, 13))
    grant = OptionGrant.create_with_installments(
        installments,
        plan=fields.pop("plan", None) or StockPlanFactory(),
        optionee=optionee or PersonFactory(),
        grant_date=grant_date,
        **fields,
    )
    return approved_grant(grant) if approved else grant


def approved_grant(grant: OptionGrant) -> OptionGrant:
    """The grant as the committee approved it, whatever its age (approve() refuses a grant
    whose deadline has passed, as the demo's and most of these are by now): an option
    awaiting approval cannot be exercised. A plain update, with no history entry of its
    own, as if approved with the grant."""
    grant.approved_at, grant.approval_meeting = timezone.now(), "Compensation Committee"
    OptionGrant.objects.filter(pk=grant.pk).update(
        approved_at=grant.approved_at, approval_meeting=grant.approval_meeting
    )
    return grant


def make_award(
    installments: list[tuple[date, int]] | None = None,
    *,
    recipient: Person | None = None,
    grant_date: date = date(2006, 3, 1),
    award_type: str = "RSA",
    **fields,
) -> StockAward:
    """A restricted stock award (or unit) saved with its installments through the model's
    own validation. Defaults: an RSA of 4,000 shares at $0 vesting 1,000 a year."""
    if installments is None:
        installments = [
            (date(grant_date.year + k, grant_date.month, 1), 1000) for k in (1, 2, 3, 4)
        ]
    fields.setdefault("shares", sum(shares for _, shares in installments))
    return StockAward.create_with_installments(
        installments,
        plan=fields.pop("plan", None) or StockPlanFactory(),
        recipient=recipient or PersonFactory(),
        grant_date=grant_date,
        award_type=award_type,
        **fields,
    )
