"""The dashboard's exercise windows closing soon (workspace.dashboard.closing_soon): the
first grants by deadline, of those with shares still exercisable today. Working out only
the first candidates by deadline must give the list the whole window gives, also when
most of those candidates have nothing left to exercise."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from grants.models import Exercise, OptionGrant
from tests.factories import PersonFactory, RegistrationPeriodFactory, make_grant
from tests.grants.conftest import COMMITTEE
from workspace import dashboard

pytestmark = pytest.mark.django_db


def whole_window(today, soon) -> list[int]:
    """The list as worked out over every grant in the window."""
    return list(
        OptionGrant.objects.filter(
            Q(deadline__range=(today, soon)) | Q(expiration_date__range=(today, soon)),
            grant_date__lte=today,
        )
        .with_vesting_totals(today)
        .filter(exercisable__gt=0, deadline_as_of__range=(today, soon))
        .order_by("deadline_as_of", "pk")
        .values_list("pk", flat=True)[: dashboard.CLOSING_SHOWN]
    )


@pytest.fixture
def window():
    """50 grants closing within 90 days, every third one fully exercised (nothing left
    to exercise), the earliest ones among them; a grant closing later; one not vested at
    all. The shares are registered (Form S-8) throughout."""
    RegistrationPeriodFactory()
    today = timezone.localdate()
    granted = today - timedelta(days=3000)
    grants = []
    for i in range(50):
        grant = make_grant(
            [(granted + timedelta(days=30), 100)],
            optionee=PersonFactory(name=f"Holder {i:02}"),
            grant_date=granted,
            expiration_date=today + timedelta(days=2 + i // 2),
        )
        if i % 3 == 0:
            Exercise.objects.create(
                grant=grant,
                sequence=1,
                exercise_date=granted + timedelta(days=40),
                shares=100,
                aggregate_price=299,
            )
        grants.append(grant)
    make_grant(
        [(granted + timedelta(days=30), 100)],
        grant_date=granted,
        expiration_date=today + timedelta(days=200),
    )
    make_grant(
        [(today + timedelta(days=20), 100)],
        grant_date=granted,
        expiration_date=today + timedelta(days=30),
    )
    return today, today + timedelta(days=90)


def test_the_list_is_the_whole_windows(window):
    today, soon = window
    shown = dashboard.closing_soon(today, soon)
    assert [g.pk for g in shown] == whole_window(today, soon)
    assert len(shown) == dashboard.CLOSING_SHOWN
    assert all(g.exercisable == 100 for g in shown)
    # In deadline order, a fully exercised grant left out.
    deadlines = [g.deadline_as_of for g in shown]
    assert deadlines == sorted(deadlines)
    assert "Holder 00" not in {g.optionee.name for g in shown}


@pytest.mark.parametrize("candidates", [1, 10, 31, 45])
def test_too_few_with_shares_among_the_first_candidates_reads_the_whole_window(
    window, monkeypatch, candidates
):
    """With fewer candidates than the list needs, the second query gives the list."""
    monkeypatch.setattr(dashboard, "CLOSING_CANDIDATES", candidates)
    today, soon = window
    assert [g.pk for g in dashboard.closing_soon(today, soon)] == whole_window(today, soon)


def test_the_dashboard_shows_the_list(window, client_for):
    page = client_for(COMMITTEE).get("/").content.decode()
    closing = page[page.index('id="closing-h"') :]
    assert "Holder 01</a>: 100 exercisable until" in closing
    assert "Holder 00</a>" not in closing


def test_nothing_is_closing_while_the_shares_are_not_registered(window):
    """Nothing is exercisable outside a registration period: no list, and no work."""
    from grants.models import RegistrationPeriod

    RegistrationPeriod.objects.all().delete()
    today, soon = window
    assert whole_window(today, soon) == []
    with CaptureQueriesContext(connection) as queries:
        assert dashboard.closing_soon(today, soon) == []
    assert len(queries.captured_queries) == 1  # the registration periods
