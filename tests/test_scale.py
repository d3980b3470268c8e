"""The scale-data generator and the benchmark command, on small numbers."""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum

from grants.models import AwardInstallment, Exercise, OptionGrant, RegistrationPeriod, StockAward

pytestmark = pytest.mark.django_db


def generate(optionees=30, seed=7):
    call_command("generate_scale_data", optionees=optionees, seed=seed, stdout=StringIO())
    return list(
        OptionGrant.objects.order_by("pk").values_list(
            "optionee__name", "grant_date", "shares", "exercise_price"
        )
    )


def awards():
    return list(
        StockAward.objects.order_by("pk").values_list(
            "recipient__name", "grant_date", "shares", "award_type", "election_83b"
        )
    )


def test_scale_data_is_consistent_and_follows_the_rules():
    generate()
    grants = OptionGrant.objects.select_related("optionee").annotate(
        installed=Sum("installments__shares")
    )
    assert 30 <= grants.count() <= 150
    periods = RegistrationPeriod.objects.periods()
    for grant in grants:
        assert grant.installed == grant.shares
        assert 14 <= grant.installments.count() <= 48
        assert grant.deadline == grant.deadline_explained(periods).day
        grant.full_clean()
    for exercise in Exercise.objects.select_related("grant"):
        assert exercise.shares >= 1000
        assert exercise.grant.exercised_shares(exercise.exercise_date) <= (
            exercise.grant.vested_shares(exercise.exercise_date)
        )
    # Approved at grant time, but for the last quarter's grants.
    waiting = OptionGrant.objects.awaiting_approval()
    assert all(g.grant_date > date(2022, 9, 30) for g in waiting)
    assert all(
        g.approved_at.date() == g.grant_date for g in OptionGrant.objects.exclude(pk__in=waiting)
    )
    awards = StockAward.objects.select_related("recipient").annotate(
        installed=Sum("installments__shares")
    )
    assert 1 <= awards.count() <= 15  # about one optionee in five
    for award in awards:
        assert award.installed == award.shares
        award.full_clean()
        award.validate_installments(award.installment_rows())
        ended = award.recipient.terminated_on
        assert ended is None or award.grant_date <= ended  # made while in service
    with pytest.raises(CommandError, match="already loaded"):
        generate()


def test_the_same_seed_gives_the_same_data():
    first = generate(seed=3), awards()
    from compensation.models import OfficerYear, Person
    from grants.models import StockPlan, StockPrice, VestingInstallment

    for model in (
        AwardInstallment,
        StockAward,
        Exercise,
        VestingInstallment,
        OptionGrant,
        OfficerYear,
        Person,
        StockPrice,
        RegistrationPeriod,
        StockPlan,
    ):
        model.objects.all().delete()
    assert (generate(seed=3), awards()) == first


def test_the_benchmark_runs_and_writes_its_figures(tmp_path):
    output = tmp_path / "bench.json"
    call_command(
        "bench",
        optionees=10,
        requests=2,
        json=str(output),
        skip_load=True,
        import_rows=40,
        stdout=StringIO(),
    )
    figures = json.loads(output.read_text())
    assert set(figures["pages"]) >= {"dashboard", "grants list", "grant page", "402(f) report"}
    # 17: the 402(f) page reads the restricted stock and its installments too (a fixed
    # number of queries, whatever the number of awards).
    assert all(page["queries"] <= 17 for page in figures["pages"].values())
    for page in figures["pages"].values():
        assert page["main_sql_p50_ms"] > 0 and page["all_reads_sql_p50_ms"] > 0
    assert figures["exports"]["CSV, all installments"]["rows"] > 0
    preview = figures["imports"]["grants preview, 40 rows"]
    assert preview["rows"] == 40 and preview["errors"] == 0 and preview["peak_memory_mb"] > 0


@pytest.mark.parametrize("as_of", [date(2016, 6, 30), date(2020, 12, 31), date(2032, 1, 1)])
def test_the_plan_pool_equals_the_per_grant_figures_on_generated_data(as_of):
    from reports.definitions import REPORTS

    generate(optionees=40, seed=11)
    expected = {}
    grants = OptionGrant.objects.filter(grant_date__lte=as_of).select_related("optionee", "plan")
    for grant in grants.prefetch_related("installments", "exercises"):
        pool = expected.setdefault(
            grant.plan.name, {"granted": 0, "exercised": 0, "forfeited": 0, "expired": 0}
        )
        pool["granted"] += grant.shares
        pool["exercised"] += grant.exercised_shares(as_of)
        if grant.terminated_on and grant.terminated_on <= as_of:
            pool["forfeited"] += grant.forfeited_shares()
        if grant.deadline < as_of:
            pool["expired"] += max(0, grant.vested_shares(as_of) - grant.exercised_shares(as_of))
    # Restricted stock counts against the pool as option shares do; its vested shares
    # count with the exercised ones (DOMAIN.md §4).
    awards = StockAward.objects.filter(grant_date__lte=as_of).select_related("recipient", "plan")
    for award in awards.prefetch_related("installments"):
        pool = expected[award.plan.name]
        pool["granted"] += award.shares
        pool["exercised"] += award.vested_shares(as_of)
        pool["forfeited"] += award.forfeited_shares(as_of)
    report = REPORTS["plan-pool"].from_data({"as_of": as_of})
    got = {
        row["plan"]: {k: row[k] for k in ("granted", "exercised", "forfeited", "expired")}
        for row in report.rows()
        if row["plan"] in expected
    }
    assert got == expected
    assert any(pool["forfeited"] for pool in got.values())


@pytest.mark.parametrize("on", [date(2014, 3, 1), date(2018, 6, 30), date(2024, 1, 1)])
def test_filtering_by_status_finds_the_grants_whose_status_is_that(on):
    from grants.models import GrantStatus

    generate(optionees=40, seed=5)
    grants = list(
        OptionGrant.objects.select_related("optionee").prefetch_related("installments", "exercises")
    )
    found = set()
    for status in GrantStatus.values:
        expected = {g.pk for g in grants if g.status_on(on) == status}
        got = set(OptionGrant.objects.with_status_of(status, on).values_list("pk", flat=True))
        assert got == expected, status
        found |= got
    assert found == {g.pk for g in grants}  # every grant has exactly one status


def test_scale_data_refuses_a_database_with_records_it_did_not_make(demo_data):
    # The demo's officers, plans and registration period are not the generator's.
    with pytest.raises(
        CommandError, match=r"did not generate \(5 people, 2 stock plans, 1 registration period\)"
    ):
        generate()
    assert not OptionGrant.objects.filter(optionee__name__startswith="Scale optionee").exists()
    with pytest.raises(CommandError, match="--force"):
        call_command("bench", optionees=10, skip_load=True, stdout=StringIO())


def test_scale_data_writes_beside_other_records_when_forced(demo_data):
    before = OptionGrant.objects.count()
    call_command("generate_scale_data", optionees=10, seed=2, force=True, stdout=StringIO())
    assert OptionGrant.objects.count() > before
