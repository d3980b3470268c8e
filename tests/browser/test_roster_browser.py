import pytest

from core import roles
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_committee_member_signs_in_and_sees_the_2006_roster(
    demo_data, sign_in_browser, live_server
):
    UserFactory(username="member", role=roles.COMMITTEE)
    page = sign_in_browser("member")
    page.get_by_role("link", name="Officers").first.click()
    page.wait_for_url("**/compensation/officers/")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Executive officers' compensation for 2006"
    )
    row = page.get_by_role("row").filter(has_text="James R. Akridge")
    assert "$250,000.00" in row.inner_text()
    assert "Chief Executive Officer and President" in row.inner_text()
    guo = page.get_by_role("row").filter(has_text="Dr. ChunTai Guo")
    assert "n/a" in guo.inner_text()
