"""The scale-data generator and the benchmark command, on small numbers."""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum

from grants.models import Exercise, OptionGrant, RegistrationPeriod

pytestmark = pytest.mark.django_db


def generate(optionees=30, seed=7):
    call_command("generate_scale_data", optionees=optionees, seed=seed, stdout=StringIO())
    return list(
        OptionGrant.objects.order_by("pk").values_list(
            "optionee__name", "grant_date", "shares", "exercise_price"
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
    with pytest.raises(CommandError, match="already loaded"):
        generate()


def test_the_same_seed_gives_the_same_data():
    first = generate(seed=3)
    from compensation.models import OfficerYear, Person
    from grants.models import StockPlan, StockPrice, VestingInstallment

    for model in (
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
    assert generate(seed=3) == first


def test_the_benchmark_runs_and_writes_its_figures(tmp_path):
    output = tmp_path / "bench.json"
    call_command(
        "bench", optionees=10, requests=2, json=str(output), skip_load=True, stdout=StringIO()
    )
    figures = json.loads(output.read_text())
    assert set(figures["pages"]) >= {"dashboard", "grants list", "grant page", "402(f) report"}
    assert all(page["queries"] <= 15 for page in figures["pages"].values())
    for page in figures["pages"].values():
        assert 0 < page["main_sql_p50_ms"] <= page["all_reads_sql_p50_ms"]
    assert figures["exports"]["CSV, all installments"]["rows"] > 0
