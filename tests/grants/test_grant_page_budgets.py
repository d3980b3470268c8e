"""The exercise, award and edit pages ask the same few queries however large the company,
and whichever rule decides a grant's exercise terms (issue "Performance at ten times the
company"). The scale data of the benchmark, at two sizes."""

from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command

from grants.models import OptionGrant, StockAward
from tests.grants.conftest import ADMIN

pytestmark = pytest.mark.django_db

# The most each page may ask (the signed-in user's session and permissions included). The
# lists' counts, and the edit pages' fields ({% kept_on_get %}), are kept under the data
# version (core/data_version.py): measured here as on the first request after a write, the
# token read and then what is kept.
BUDGETS = {
    "exercise form": 8,
    "exercise terms": 8,
    "vestings to confirm": 7,
    "awards": 9,
    "edit grant": 9,
    "edit award": 9,
}


def pages() -> list[tuple[str, str]]:
    """Each page of BUDGETS, for grants that take every branch of the exercise rules: with
    and without exercises, not yet approved, and a date before the grant."""
    exercised = OptionGrant.objects.filter(exercises__isnull=False).order_by("pk").first()
    unexercised = OptionGrant.objects.filter(exercises__isnull=True).order_by("pk").first()
    waiting = OptionGrant.objects.filter(approved_at__isnull=True).order_by("pk").first()
    award = StockAward.objects.order_by("pk").first()
    assert exercised and unexercised and waiting and award
    urls = []
    for grant in (exercised, unexercised, waiting):
        urls += [
            ("exercise form", f"/grants/{grant.pk}/exercise/"),
            ("exercise form", f"/grants/{grant.pk}/exercise/?on=1990-01-01"),
            ("exercise terms", f"/grants/{grant.pk}/exercise/terms.json?on=2020-06-30"),
            ("exercise terms", f"/grants/{grant.pk}/exercise/terms.json?on=1990-01-01"),
            ("edit grant", f"/grants/{grant.pk}/edit/"),
        ]
    return urls + [
        ("vestings to confirm", "/grants/vestings/"),
        ("vestings to confirm", "/grants/vestings/?page=2"),
        ("awards", "/grants/awards/"),
        ("edit award", f"/grants/awards/{award.pk}/edit/"),
    ]


@pytest.mark.parametrize("optionees", [12, 60])
def test_each_page_asks_its_fixed_number_of_queries_at_either_size(
    client_for, optionees, django_assert_max_num_queries
):
    call_command("generate_scale_data", optionees=optionees, seed=5, stdout=StringIO())
    client = client_for(ADMIN)
    counts: dict[str, set[int]] = {}
    for label, url in pages():
        client.get(url)  # the session's first request renews it (a write): measure after
        cache.clear()
        with django_assert_max_num_queries(BUDGETS[label]) as queries:
            assert client.get(url).status_code == 200, url
        counts.setdefault(label, set()).add(len(queries.captured_queries))
    # One number per page, the same at both sizes: the exercise pages ask as many
    # queries whichever rule decides, the lists as many for 12 or 60 optionees.
    assert counts == {label: {budget} for label, budget in BUDGETS.items()}
