"""The fiscal year-end setting (DOMAIN.md §6): December 31 unless set."""

from datetime import date

import pytest
from django.test import override_settings

from core import fiscal


def test_december_year_end_by_default():
    assert fiscal.year_end(2006) == date(2006, 12, 31)
    assert fiscal.bounds(2006) == (date(2006, 1, 1), date(2006, 12, 31))
    assert fiscal.year_of(date(2006, 12, 31)) == 2006
    assert fiscal.describe() == "December 31"


@override_settings(FISCAL_YEAR_END="06-30")
def test_a_june_year_end_names_the_year_by_its_end():
    assert fiscal.bounds(2006) == (date(2005, 7, 1), date(2006, 6, 30))
    assert fiscal.year_of(date(2005, 7, 13)) == 2006
    assert fiscal.year_of(date(2006, 6, 30)) == 2006
    assert fiscal.year_of(date(2006, 7, 1)) == 2007
    assert fiscal.span(2004, 2006) == (date(2003, 7, 1), date(2006, 6, 30))
    assert fiscal.describe() == "June 30"


@override_settings(FISCAL_YEAR_END="09-30")
def test_a_september_year_end():
    assert fiscal.year_start(2007) == date(2006, 10, 1)
    assert fiscal.year_of(date(2006, 10, 1)) == 2007


@pytest.mark.parametrize("text", ["02-29", "13-01", "12-32", "december", "", "12", "-1-1"])
def test_a_year_end_that_is_not_a_day_of_every_year_is_refused(text):
    with pytest.raises(ValueError, match="is not a month and day"):
        fiscal.parse_year_end(text)
    with override_settings(FISCAL_YEAR_END=text):
        errors = fiscal.check_fiscal_year_end(None)
    assert [error.id for error in errors] == ["core.E001"]


def test_the_default_setting_passes_the_check():
    assert fiscal.check_fiscal_year_end(None) == []
