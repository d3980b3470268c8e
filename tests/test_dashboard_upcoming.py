"""The dashboard's upcoming vestings: the first few of each kind cut before the union
(PostgreSQL) must give the rows, and the order, of the whole list sorted."""

from datetime import timedelta

import pytest
from django.utils import timezone

from grants.models import AwardInstallment, VestingInstallment
from tests.factories import PersonFactory, make_award, make_grant
from workspace.dashboard import UPCOMING_SHOWN, upcoming_vests

pytestmark = pytest.mark.django_db


def test_upcoming_vestings_are_the_first_of_the_whole_list_sorted():
    today = timezone.localdate()
    soon = today + timedelta(days=90)
    # Holders whose names and dates interleave the two kinds, many on the same day: more
    # options than the dashboard shows, and the cut falling inside a day.
    for i in range(26):
        person = PersonFactory(name=f"{chr(65 + i)} Holder")
        day = today + timedelta(days=1 if i % 3 else 2)
        if i % 4 == 1:
            make_award([(day, 100 + i)], recipient=person, grant_date=today - timedelta(days=5))
        else:
            make_grant(
                [(day, 100 + i), (day + timedelta(days=30), 1)],
                optionee=person,
                grant_date=today - timedelta(days=30),
                expiration_date=today + timedelta(days=365),
            )
    # Left out: an installment after its holder's termination, an award not yet granted.
    make_grant(
        [(today + timedelta(days=1), 7)],
        optionee=PersonFactory(name="0 Gone", terminated_on=today, termination_reason="other"),
        grant_date=today - timedelta(days=30),
        expiration_date=today + timedelta(days=365),
    )
    make_award(
        [(today + timedelta(days=3), 9)],
        recipient=PersonFactory(name="0 Later"),
        grant_date=today + timedelta(days=1),
    )

    options = [
        (i.vest_date, i.grant.optionee.name, i.shares, "Option")
        for i in VestingInstallment.objects.select_related("grant__optionee")
        if today <= i.vest_date <= soon
        and not (i.grant.optionee.terminated_on and i.grant.optionee.terminated_on < i.vest_date)
    ]
    awards = [
        (i.vest_date, i.award.recipient.name, i.shares, i.award.award_type)
        for i in AwardInstallment.objects.select_related("award__recipient")
        if today <= i.vest_date <= soon and i.award.grant_date <= today
    ]
    expected = sorted(options + awards, key=lambda row: (row[0], row[1]))[:UPCOMING_SHOWN]

    shown = upcoming_vests(today, soon, awards=True)
    assert [(v.vest_date, v.holder, v.shares, v.kind) for v in shown] == expected
    assert {kind for *_, kind in expected} == {"Option", "RSA"}
    only_options = upcoming_vests(today, soon, awards=False)
    assert [(v.vest_date, v.holder, v.shares, v.kind) for v in only_options] == sorted(
        options, key=lambda row: (row[0], row[1])
    )[:UPCOMING_SHOWN]
