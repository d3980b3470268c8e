"""Issue 12, point 3: the dashboard's roster link names the year the roster opens on, the
latest year with approved salaries, not a later year's proposal."""

from decimal import Decimal

from compensation.models import Person
from tests.factories import OfficerYearFactory


def test_the_dashboard_links_the_latest_approved_year(client_for, demo_data):
    OfficerYearFactory(
        person=Person.objects.get(name="James R. Akridge"),
        fiscal_year=2007,
        base_salary=Decimal("260000"),
    )
    response = client_for("committee").get("/")
    assert response.context["latest_year"] == 2006
    assert "Officers' roster for 2006" in response.content.decode()
