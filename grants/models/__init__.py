from .award import StockAward
from .award_vesting import AwardVesting
from .choices import AwardType, Election83b
from .exercise import Exercise, PaymentMethod
from .grant import OptionGrant, OptionType
from .installment import AwardInstallment, VestingInstallment
from .issuer import Issuer
from .market import RegistrationPeriod, StockPrice
from .plan import StockPlan
from .querysets import GrantStatus, OptionGrantQuerySet, StockAwardQuerySet
from .valuation import (
    GrantValuation,
    ValuationDefaults,
    current_fair_value,
    current_valuation,
    not_valued_reason,
    not_valued_reasons,
    plan_valuation,
    value_grant,
)

__all__ = [
    "AwardInstallment",
    "AwardType",
    "AwardVesting",
    "Election83b",
    "StockAward",
    "Exercise",
    "GrantStatus",
    "Issuer",
    "OptionGrant",
    "OptionGrantQuerySet",
    "OptionType",
    "PaymentMethod",
    "RegistrationPeriod",
    "StockPlan",
    "StockPrice",
    "StockAwardQuerySet",
    "VestingInstallment",
    "GrantValuation",
    "ValuationDefaults",
    "current_fair_value",
    "current_valuation",
    "not_valued_reason",
    "not_valued_reasons",
    "plan_valuation",
    "value_grant",
]
