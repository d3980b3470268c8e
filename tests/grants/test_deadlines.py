"""The stored exercise deadline follows the rules after every write path (DOMAIN.md §3,
last bullet): single saves, the admin's bulk delete, QuerySet update/delete and
bulk_create/bulk_update of registration periods and grants, and the end of service
recorded through the grants layer. check_deadlines reports (and with --fix repairs) any
grant where it does not."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from compensation.models import Person
from grants import demo
from grants.models import OptionGrant, RegistrationPeriod
from grants.models.service import record_end_of_service, update_people
from tests.factories import PersonFactory, UserFactory, make_grant

pytestmark = pytest.mark.django_db

TERMINATED = date(2007, 2, 1)
# Terminated on 2007-02-01 for an "other" reason: 3 months later with every day of the
# window registered; 2007-05-31 when March 2007 is not registered (DOMAIN.md's example).
WINDOW_END, GAP_DEADLINE = date(2007, 5, 1), date(2007, 5, 31)


def period(start: date, end: date | None, basis: str = "Form S-8 effective"):
    return RegistrationPeriod.objects.create(start_date=start, end_date=end, basis=basis)


@pytest.fixture
def before_gap(db):
    return period(date(2005, 7, 13), date(2007, 3, 1))


@pytest.fixture
def after_gap(db):
    return period(date(2007, 4, 1), None, "Form S-8 refiled")


@pytest.fixture
def bridge(before_gap, after_gap):
    """The registration of March 2007 that closes the gap."""
    return period(date(2007, 3, 2), date(2007, 3, 31), "Exemption determined")


@pytest.fixture
def grant(before_gap, after_gap):
    return make_grant(demo.INSTALLMENTS, grant_date=demo.GRANT_DATE)


@pytest.fixture
def terminated_grant(grant):
    person = grant.optionee
    person.terminated_on, person.termination_reason = TERMINATED, "other"
    record_end_of_service(person)
    grant.refresh_from_db()
    return grant


def stored_deadlines_follow_the_rules() -> bool:
    periods = RegistrationPeriod.objects.periods()
    grants = OptionGrant.objects.select_related("optionee")
    return all(g.deadline == g.deadline_explained(periods).day for g in grants)


def stored_deadline(grant: OptionGrant) -> date:
    return OptionGrant.objects.values_list("deadline", flat=True).get(pk=grant.pk)


# --- Registration periods -------------------------------------------------------------


@pytest.fixture
def superuser_client(db):
    # Nobody but a superuser deletes (core/roles.py).
    client = Client()
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    return client


def test_deleting_periods_with_the_admins_delete_selected_refreshes_deadlines(
    superuser_client, terminated_grant, bridge
):
    assert stored_deadline(terminated_grant) == WINDOW_END
    url = "/admin/grants/registrationperiod/"
    data = {"action": "delete_selected", "_selected_action": [bridge.pk]}
    confirmation = superuser_client.post(url, data)
    assert "Are you sure you want to delete" in confirmation.content.decode()
    response = superuser_client.post(url, {**data, "post": "yes"})
    assert response.status_code == 302
    assert not RegistrationPeriod.objects.filter(pk=bridge.pk).exists()
    assert stored_deadline(terminated_grant) == GAP_DEADLINE
    assert stored_deadlines_follow_the_rules()


def test_queryset_delete_of_periods_refreshes_deadlines(terminated_grant, bridge):
    RegistrationPeriod.objects.filter(pk=bridge.pk).delete()
    assert stored_deadline(terminated_grant) == GAP_DEADLINE
    assert stored_deadlines_follow_the_rules()


def test_queryset_update_of_periods_refreshes_deadlines(terminated_grant, bridge):
    # March 16-31 unregistered: 16 days of the window missing, so 16 days later.
    RegistrationPeriod.objects.filter(pk=bridge.pk).update(end_date=date(2007, 3, 15))
    assert stored_deadline(terminated_grant) == date(2007, 5, 17)
    assert stored_deadlines_follow_the_rules()


def test_bulk_create_of_periods_refreshes_deadlines(terminated_grant):
    assert stored_deadline(terminated_grant) == GAP_DEADLINE
    RegistrationPeriod.objects.bulk_create(
        [RegistrationPeriod(start_date=date(2007, 3, 2), end_date=date(2007, 3, 31), basis="x")]
    )
    assert stored_deadline(terminated_grant) == WINDOW_END
    assert stored_deadlines_follow_the_rules()


def test_bulk_update_of_periods_refreshes_deadlines(terminated_grant, bridge):
    bridge.end_date = date(2007, 3, 15)
    RegistrationPeriod.objects.bulk_update([bridge], ["end_date"])
    assert stored_deadline(terminated_grant) == date(2007, 5, 17)
    assert stored_deadlines_follow_the_rules()


def test_the_manager_has_no_delete_of_every_period(db):
    # QuerySet.delete is queryset-only; the override must stay so.
    assert not hasattr(RegistrationPeriod.objects, "delete")


# --- People ---------------------------------------------------------------------------


# The end of service is recorded by the grants layer (grants.models.service): the person's
# record (compensation) knows nothing of grants.


def test_recording_an_end_of_service_refreshes_deadlines(grant, bridge):
    person = Person.objects.get(pk=grant.optionee_id)
    person.terminated_on, person.termination_reason = TERMINATED, "death"
    record_end_of_service(person)
    assert stored_deadline(grant) == date(2008, 8, 1)
    assert stored_deadlines_follow_the_rules()


def test_update_people_with_a_termination_refreshes_deadlines(grant, bridge):
    assert stored_deadline(grant) == grant.expiration_date
    # The filter names a field the update changes: the people are read before it.
    update_people(
        Person.objects.filter(pk=grant.optionee_id, terminated_on__isnull=True),
        terminated_on=TERMINATED,
        termination_reason="other",
    )
    assert stored_deadline(grant) == WINDOW_END
    assert stored_deadlines_follow_the_rules()


def test_update_people_with_the_short_swing_date_refreshes_deadlines(terminated_grant, bridge):
    update_people(
        Person.objects.filter(pk=terminated_grant.optionee_id),
        short_swing_liability_until=date(2007, 12, 1),
    )
    assert stored_deadline(terminated_grant) == date(2007, 8, 11)  # DOMAIN.md's example
    assert stored_deadlines_follow_the_rules()


def test_update_people_of_other_fields_leaves_deadlines_alone(grant, django_assert_num_queries):
    with django_assert_num_queries(1):
        update_people(Person.objects.filter(pk=grant.optionee_id), name="Renamed")


def test_a_termination_saved_around_the_grants_layer_is_found_by_check_deadlines(grant, bridge):
    # Person.save() belongs to compensation and refreshes nothing: check_deadlines finds
    # the stale deadline, and --fix puts it right.
    person = Person.objects.get(pk=grant.optionee_id)
    person.terminated_on, person.termination_reason = TERMINATED, "other"
    person.save()
    assert not stored_deadlines_follow_the_rules()
    with pytest.raises(CommandError, match="--fix"):
        call_command("check_deadlines", stdout=StringIO())
    call_command("check_deadlines", "--fix", stdout=StringIO())
    assert stored_deadline(grant) == WINDOW_END


# --- Grants ---------------------------------------------------------------------------


def test_queryset_update_of_the_expiration_date_refreshes_deadlines(grant, terminated_grant):
    other = make_grant(optionee=PersonFactory(name="In service"))
    OptionGrant.objects.filter(pk__in=[terminated_grant.pk, other.pk]).update(
        expiration_date=date(2007, 4, 1)
    )
    assert stored_deadline(terminated_grant) == date(2007, 4, 1)
    assert stored_deadline(other) == date(2007, 4, 1)
    assert stored_deadlines_follow_the_rules()


def test_queryset_update_of_the_post_termination_period_refreshes_deadlines(
    terminated_grant, bridge
):
    OptionGrant.objects.filter(pk=terminated_grant.pk).update(post_termination_months=6)
    assert stored_deadline(terminated_grant) == date(2007, 8, 1)
    assert stored_deadlines_follow_the_rules()


def test_bulk_update_of_grants_refreshes_deadlines(terminated_grant, bridge):
    terminated_grant.death_months, terminated_grant.post_termination_months = 24, 12
    OptionGrant.objects.bulk_update([terminated_grant], ["death_months", "post_termination_months"])
    assert stored_deadline(terminated_grant) == date(2008, 2, 1)
    assert stored_deadlines_follow_the_rules()


# --- check_deadlines ------------------------------------------------------------------


def check_deadlines(*args: str) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("check_deadlines", *args, stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue() + str(error)
    return 0, out.getvalue()


def make_stale(grant: OptionGrant, day: date) -> None:
    # `deadline` itself is the one field update() writes as given: it is how the
    # deadline is stored. Writing it by hand is the bypass this command catches.
    OptionGrant.objects.filter(pk=grant.pk).update(deadline=day)


def test_check_deadlines_passes_when_every_stored_deadline_follows_the_rules(grant):
    code, output = check_deadlines()
    assert code == 0
    assert "All 1 stored deadline follows the rules." in output


def test_check_deadlines_lists_a_stale_deadline_and_fails(terminated_grant, bridge):
    make_stale(terminated_grant, date(2015, 7, 13))
    code, output = check_deadlines()
    assert code == 1
    assert (
        f"Grant {terminated_grant.pk} ({terminated_grant.optionee}): stored 2015-07-13, "
        f"rules 2007-05-01 (paragraph 5(b))"
    ) in output
    assert "1 of 1 stored deadline differs from the rules" in output


def test_check_deadlines_fix_repairs_with_history_then_passes(terminated_grant, bridge):
    make_stale(terminated_grant, date(2015, 7, 13))
    history = terminated_grant.history.count()
    code, output = check_deadlines("--fix")
    assert code == 0
    assert "Fixed 1 stored deadline." in output
    assert stored_deadline(terminated_grant) == WINDOW_END
    assert terminated_grant.history.count() == history + 1
    latest = terminated_grant.history.latest()
    assert latest.history_change_reason == "check_deadlines --fix"
    assert latest.deadline == WINDOW_END
    assert check_deadlines() == (0, "All 1 stored deadline follows the rules.\n")


def test_check_deadlines_reads_in_a_fixed_number_of_queries(
    before_gap, django_assert_max_num_queries
):
    for n in range(5):
        make_grant(optionee=PersonFactory(name=f"Optionee {n}"))
    with django_assert_max_num_queries(2):
        assert check_deadlines()[0] == 0
