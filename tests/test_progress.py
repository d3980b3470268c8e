"""Progress of the long commands: a bar on a terminal, a few plain lines elsewhere."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import OutputWrapper

from core.progress import progress, progress_steps
from grants.models import OptionGrant, StockAward, VestingInstallment

PLAIN = re.compile(r"^(?P<desc>[\w ()-]+): (?P<done>[\d,]+) of (?P<total>[\d,]+) \((?P<pct>\d+)%\)")


class Terminal(StringIO):
    """Output that says it is a terminal, as a developer's shell is."""

    def isatty(self) -> bool:
        return True


def test_plain_output_counts_every_tenth_then_the_end():
    out = StringIO()
    assert list(progress(range(1000), desc="people", stream=out)) == list(range(1000))
    lines = out.getvalue().splitlines()
    assert lines[0] == "people: 100 of 1,000 (10%)"
    assert lines[4] == "people: 500 of 1,000 (50%)"
    assert re.fullmatch(r"people: 1,000 of 1,000 \(100%\) in \d+\.\d s", lines[-1])
    assert len(lines) == 10  # nine tenths on the way, then the end


def test_a_commands_output_gets_the_same_plain_lines():
    out = StringIO()
    list(progress(iter(range(50)), total=50, desc="grants", stream=OutputWrapper(out)))
    lines = out.getvalue().splitlines()
    assert [line.split(" in ")[0] for line in lines[-2:]] == [
        "grants: 45 of 50 (90%)",
        "grants: 50 of 50 (100%)",
    ]


def test_steps_count_batches_and_an_unknown_total_counts_what_was_done():
    out = StringIO()
    with progress_steps(total=20_000, desc="installments", stream=out) as advance:
        for _ in range(4):
            advance(5000)
    assert out.getvalue().splitlines()[:3] == [
        "installments: 5,000 of 20,000 (25%)",
        "installments: 10,000 of 20,000 (50%)",
        "installments: 15,000 of 20,000 (75%)",
    ]
    out = StringIO()
    list(progress((n for n in range(7)), desc="rows read", stream=out))
    assert out.getvalue().startswith("rows read: 7 rows in ")


def test_work_that_fails_shows_no_closing_line():
    out = StringIO()
    with pytest.raises(ZeroDivisionError):
        for n in progress(range(10), desc="people", stream=out):
            1 / (5 - n)
    assert "of 10 (100%)" not in out.getvalue()


@pytest.mark.parametrize("wrap", [lambda f: f, OutputWrapper])
def test_a_terminal_gets_a_bar_with_counts(wrap):
    terminal = Terminal()
    list(progress(range(300), desc="grants made", unit="optionees", stream=wrap(terminal)))
    shown = terminal.getvalue()
    assert "\r" in shown  # redrawn in place
    assert "grants made: 100%" in shown and "300/300" in shown and "optionees/s" in shown
    assert not PLAIN.search(shown)
    # An OutputWrapper would end each redraw with a new line: the bar goes around it.
    assert shown.count("\n") <= 1


# --- The commands' output when it is not a terminal ------------------------------------


@pytest.mark.django_db
def test_the_scale_data_counts_each_part_in_a_few_lines():
    out = StringIO()
    call_command("generate_scale_data", optionees=40, seed=4, stdout=out)
    lines = out.getvalue().splitlines()
    finished = {m["desc"]: m for line in lines if (m := PLAIN.match(line)) and m["pct"] == "100"}
    assert finished["people"]["total"] == "40"
    assert finished["grants"]["total"] == f"{OptionGrant.objects.count():,}"
    assert finished["installments"]["total"] == f"{VestingInstallment.objects.count():,}"
    assert finished["awards"]["total"] == f"{StockAward.objects.count():,}"
    assert len(lines) < 120  # about ten lines a part, never one a row
    assert lines[-1].startswith("Generated 40 optionees")


@pytest.mark.django_db
def test_the_exports_count_the_rows_and_records_they_write(tmp_path):
    call_command("generate_scale_data", optionees=20, seed=6, stdout=StringIO())
    out = StringIO()
    output = tmp_path / "vesting.csv"
    args = ["vesting-schedule", "--format", "csv", "--output", str(output)]
    call_command("export_report", *args, stdout=out)
    rows = len(output.read_text().splitlines()) - 1  # less the header row
    lines = out.getvalue().splitlines()
    assert lines[-2].startswith(f"vesting-schedule: {rows:,} of {rows:,} (100%) in ")
    assert lines[-1].startswith("Wrote Vesting Schedule")
    out = StringIO()
    call_command(
        "export_ocf", "--output", str(tmp_path / "ocf"), "--as-of", "2030-01-01", stdout=out
    )
    shown = out.getvalue()
    grants, awards = OptionGrant.objects.count(), StockAward.objects.count()
    assert f"grants: {grants:,} of {grants:,} (100%)" in shown
    assert f"awards: {awards:,} of {awards:,} (100%)" in shown
