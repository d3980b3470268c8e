from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from compensation.models import Footnote, OfficerYear, Person


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
