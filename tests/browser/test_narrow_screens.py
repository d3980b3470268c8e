"""Every main page on a 390 px wide phone (issue 17): nothing is wider than the screen
except inside a sideways-scrolling table wrapper, and the approvals' buttons can be
reached."""

import pytest

from compensation.models import OfficerYear, Person
from core import roles
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PAGES = [
    "/",
    "/compensation/officers/",
    "/compensation/review/",
    "/grants/",
    "/grants/awards/",
    "/grants/approvals/",
    "/reports/",
    "/reports/officer-compensation/",
    "/reports/summary-compensation/",
    "/history/",
]

# Elements wider than the screen, outside a scrolling wrapper; [] when the page fits.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const inScroller = (e) => {
    for (let p = e.parentElement; p; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === "auto" || o === "scroll") return true;
    }
    return false;
  };
  return [...document.querySelectorAll("body *")]
    .filter((e) => e.getBoundingClientRect().right > width + 1 && !inScroller(e))
    .map((e) => e.tagName + (e.id ? "#" + e.id : "") + "." + e.className)
    .slice(0, 10);
}"""


def wide_parts(browser, live_server, username: str, urls: list[str]) -> dict:
    """Each page that does not fit a 390 x 844 screen: its scroll width and what sticks out."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("correct-horse-battery-staple")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    problems = {}
    for url in urls:
        response = page.goto(f"{live_server.url}{url}")
        assert response is not None and response.status == 200, url
        wide = page.evaluate(OVERFLOW)
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if wide or scroll > 390:
            problems[url] = (scroll, wide)
    context.close()
    return problems


def test_the_main_pages_fit_a_390_px_screen(demo_data, browser, live_server):
    UserFactory(username="member", role=roles.COMMITTEE)
    UserFactory(username="admin", role=roles.ADMINS)
    # A salary proposal, so that the approvals page has a row and its buttons.
    OfficerYear.objects.create(
        person=Person.objects.get(name="Dean Bogues"),
        fiscal_year=2007,
        title="President of the Americas and Europe",
        base_salary=210_000,
    )
    assert wide_parts(browser, live_server, "member", PAGES) == {}
    assert wide_parts(browser, live_server, "admin", ["/grants/new/", "/grants/awards/new/"]) == {}
