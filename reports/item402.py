"""The Item 402 tables of Regulation S-K that the proxy statement carries, for the named
executive officers (reports/neo.py): (c) summary compensation (reports/item402_c.py), (d)
grants of plan-based awards (reports/item402_d.py), (f) outstanding equity awards at the
fiscal year-end (reports/item402_f.py) and (g) option exercises and stock vested
(reports/item402_g.py) (DOMAIN.md §3 to §6)."""

from .figures import closing_on_grant_date, stock_award_value
from .item402_c import SummaryCompensation
from .item402_d import PlanBasedAwards
from .item402_f import OPTION, OutstandingEquityAwards
from .item402_g import OptionExercises

__all__ = [
    "OPTION",
    "OptionExercises",
    "OutstandingEquityAwards",
    "PlanBasedAwards",
    "SummaryCompensation",
    "closing_on_grant_date",
    "stock_award_value",
]
