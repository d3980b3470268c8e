"""The equity pages issue a fixed number of queries, however many grants and people there are."""

import pytest

from grants.models import OptionGrant
from tests.factories import OfficerYearFactory, PersonFactory, RegistrationPeriodFactory
from tests.grants.conftest import ADMIN, COMMITTEE, many_grants

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "url", "fixed_size"),
    [
        (COMMITTEE, "/grants/?as_of=2007-01-01", False),
        (COMMITTEE, "/grants/?as_of=2007-01-01&page=2&sort=-exercisable", False),
        (COMMITTEE, "/", False),
        (COMMITTEE, "/compensation/review/?year=2006&price=5", False),
        (COMMITTEE, "/grants/{grant}/?as_of=2007-01-01", False),
        (COMMITTEE, "/reports/outstanding-equity-awards/?as_of=2006-12-31", False),
        (COMMITTEE, "/reports/plan-pool/?as_of=2010-12-31", False),
        (COMMITTEE, "/reports/vesting-schedule/", False),
        (COMMITTEE, "/grants/approvals/", False),
        # Forms: nothing in them may grow with the number of grants or people.
        (COMMITTEE, "/reports/", True),
        (ADMIN, "/grants/new/", True),
    ],
)
def test_a_page_issues_the_same_number_of_queries_for_10_and_500_grants(
    client_for, role, url, fixed_size
):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(role)
    RegistrationPeriodFactory()
    for n in range(5):
        OfficerYearFactory(person=PersonFactory(name=f"Optionee {n:04}"), fiscal_year=2006)
    first = 30 if "page=2" in url else 10  # a second page needs more than 25 grants
    many_grants(first)
    url = url.format(grant=OptionGrant.objects.order_by("pk").first().pk)
    client.get(url)  # the session's first request renews it (a write): measure after
    # Figures kept under the data version (the plan pool's) are computed afresh in each
    # measurement, as after a write.
    cache.clear()
    with CaptureQueriesContext(connection) as small:
        small_page = client.get(url)
    many_grants(500 - first)  # and as many more people
    cache.clear()
    with CaptureQueriesContext(connection) as large:
        large_page = client.get(url)
    assert small_page.status_code == large_page.status_code == 200
    assert len(small.captured_queries) == len(large.captured_queries), url
    assert len(large.captured_queries) <= 15
    if fixed_size:  # (a second plan from many_grants adds one short option)
        assert len(large_page.content) - len(small_page.content) < 200, url
