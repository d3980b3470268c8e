"""Each equity page answers each role as expected: who may read it, who may change data."""

from datetime import date

import pytest

from grants.models import OptionGrant, RegistrationPeriod, StockPrice
from tests.grants.conftest import ADMIN, AUDITOR, COMMITTEE, NO_ROLE

pytestmark = pytest.mark.django_db


READERS = {COMMITTEE: 200, ADMIN: 200, AUDITOR: 200, NO_ROLE: 403}


ADMINS_ONLY = {COMMITTEE: 403, ADMIN: 200, AUDITOR: 403, NO_ROLE: 403}


COMMITTEE_ONLY = {COMMITTEE: 200, ADMIN: 403, AUDITOR: 403, NO_ROLE: 403}


def page_urls(grant: OptionGrant) -> dict[str, tuple[str, dict]]:
    price = StockPrice.objects.get_or_create(date=date(2006, 1, 3), defaults={"price": 3})[0]
    period = RegistrationPeriod.objects.first()
    return {
        "grants": ("/grants/", READERS),
        "grant": (f"/grants/{grant.pk}/", READERS),
        "terms": (f"/grants/{grant.pk}/exercise/terms.json?on=2007-03-01", READERS),
        "review": ("/compensation/review/", READERS),
        "prices": ("/grants/prices/", READERS),
        "registration": ("/grants/registration/", READERS),
        "new grant": ("/grants/new/", ADMINS_ONLY),
        "exercise": (f"/grants/{grant.pk}/exercise/", ADMINS_ONLY),
        "termination": (f"/grants/people/{grant.optionee_id}/termination/", ADMINS_ONLY),
        "add price": ("/grants/prices/new/", ADMINS_ONLY),
        "edit price": (f"/grants/prices/{price.pk}/", ADMINS_ONLY),
        "add period": ("/grants/registration/new/", ADMINS_ONLY),
        "edit period": (f"/grants/registration/{period.pk}/", ADMINS_ONLY),
        "approvals": ("/grants/approvals/", COMMITTEE_ONLY),
    }


PAGES = [
    "grants",
    "grant",
    "terms",
    "review",
    "prices",
    "registration",
    "new grant",
    "exercise",
    "termination",
    "add price",
    "edit price",
    "add period",
    "edit period",
    "approvals",
]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", [COMMITTEE, ADMIN, AUDITOR, NO_ROLE, None])
def test_each_page_answers_each_role_as_expected(client_for, seed_grant, page, role):
    url, expected = page_urls(seed_grant)[page]
    response = client_for(role).get(url)
    if role is None:
        assert response.status_code == 302 and "/accounts/login/" in response.url
    else:
        assert response.status_code == expected[role], (page, role)
